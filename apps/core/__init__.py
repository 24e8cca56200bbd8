"""Cross-cutting pieces every app uses: errors, settings object, parsers, pagination, crypto."""
