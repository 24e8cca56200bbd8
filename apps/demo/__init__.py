"""The demo team `make run` seeds: users, projects, applications, sandbox accounts, pipelines."""
