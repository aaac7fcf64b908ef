"""What is allowed: accounts and who may read what, company identity, the territory served,
the introduction workflow, the lab search rule."""
