"""Teams (tenants), their members, projects and project members."""
