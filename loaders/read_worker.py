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


def shared_texts(rows: list[list]) -> list[list]:
    """The rows with empty cells ("" from the reader) as None and every repeated text as one shared object.

    The reader makes a new string for every cell; pickle writes each again and the parent builds each again,
    which cost more than the parse. A text seen before is sent as a reference to its first copy, so half a
    million score cells travel as a few dozen strings. Only texts are shared: 1.0, 1 and True are equal as
    dictionary keys but not the same cell value.
    """
    seen = {"": None}
    share = seen.setdefault
    return [[share(v, v) if type(v) is str else v for v in row] for row in rows]


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
        sheets.append((meta.name, shared_texts(rows)))
    pickle.dump(("ok", sheets), out, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
