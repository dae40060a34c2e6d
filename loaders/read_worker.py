"""Child process that parses one .xlsx with python-calamine under a memory and CPU limit.

Run as a script (`python -I loaders/read_worker.py MEMORY_BYTES CPU_SECONDS`), never imported by
the app: it imports nothing of the project, so its address space stays small and the limits bite on
the parse. The workbook's bytes come in on stdin; one pickle goes out on stdout:
("ok", [(sheet name, rows), …]) or ("fout", kind, sheet name). A native abort or an exhausted limit
simply ends this process; the parent turns that into a Dutch message.
"""

import io
import pickle
import resource
import sys


def main() -> int:
    memory, cpu = int(sys.argv[1]), int(sys.argv[2])
    data = sys.stdin.buffer.read()
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    import python_calamine  # after the limits: its allocations count too

    out = sys.stdout.buffer
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        pickle.dump(("fout", "wachtwoord", ""), out)
        return 0
    except MemoryError:
        pickle.dump(("fout", "geheugen", ""), out)
        return 0
    except Exception:
        pickle.dump(("fout", "beschadigd", ""), out)
        return 0
    del data
    sheets = []
    for meta in book.sheets_metadata:
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except MemoryError:
            pickle.dump(("fout", "geheugen", meta.name), out)
            return 0
        except Exception:
            pickle.dump(("fout", "beschadigd", meta.name), out)
            return 0
        # Empty cells come back as "": make them None here, where the work is already being paid for.
        sheets.append((meta.name, [[None if v == "" else v for v in r] for r in rows]))
    pickle.dump(("ok", sheets), out, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
