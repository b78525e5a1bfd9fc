"""Classroom seats: every team on its own device, one shared session.

`store` keeps a session's events where every process of it can read and append them
(SQLite in WAL mode, PostgreSQL); `web` serves seats through textual-serve; `seat_app` is
the Textual app each browser connection runs; `client` speaks textual-serve's websocket
protocol (`ttx join`, the tests and the benchmark).
"""
