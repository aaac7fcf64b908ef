"""Passerelle's domain core, in layers: the domain's values (model, errors, text), what is
allowed (rules), how labs are ranked (ranking), where data lives (store) and what a user can do
(usecases). No web framework, no NLP library; only the store's adapters talk to a database."""
