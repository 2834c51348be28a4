"""The demo cooperative: twenty-one member companies, a catalog, an open round and a history,
loaded into an empty database by `make run` or `coachat demo load`."""
