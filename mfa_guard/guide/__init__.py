"""The post-deployment guide, stated once: checks, fix, plan and status ask this package."""
