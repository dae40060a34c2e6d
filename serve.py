"""Start the Streamlit server with the heavy libraries already imported (pandas, DuckDB, scipy, statsmodels, plotly),
so the first visitor is not the one who waits for them: `make run` uses this instead of `streamlit run`.

    .venv/bin/python serve.py [streamlit options]
"""

from __future__ import annotations

import sys


def warm_up() -> None:
    """Run the first page's queries once, so DuckDB and the statistics code are warm for the first visitor."""
    from metrics import Scope, default_demo, loaded_summary, weakest_indicators
    from store.database import connect, default_db_path

    path = default_db_path()
    if not path.exists():
        return  # app.py builds it (with progress) on the first visit
    con = connect(path, read_only=True)
    try:
        demo = default_demo(con)
        loaded_summary(con, demo)
        weakest_indicators(con, Scope(demo=demo))
    finally:
        con.close()


def main(argv: list[str]) -> int:
    # Imported here, in the server process: Streamlit runs app.py in this same process, so these stay loaded.
    import charts.style  # noqa: F401
    import metrics  # noqa: F401  (pandas, duckdb, scipy, statsmodels)
    import plotly.graph_objects  # noqa: F401
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # Until st.navigation has run once in the process, Streamlit treats `pages/` as a legacy multipage folder and
    # runs a deep link such as /dossiers without app.py, so without its sign-in gate: every request goes through app.py.
    PagesManager.uses_pages_directory = False
    warm_up()

    sys.argv = ["streamlit", "run", "app.py", *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
