"""Pipeline configurations: Spinnaker-compatible JSON, validation, revisions, lock, disable."""
