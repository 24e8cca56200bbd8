"""Applications: what a team deploys, bound to projects."""
