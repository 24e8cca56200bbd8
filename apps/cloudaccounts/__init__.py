"""Cloud accounts: the clusters and clouds a team deploys to, credentials encrypted at rest."""
