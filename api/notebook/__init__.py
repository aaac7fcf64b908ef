"""The researchers' notebooks' side of Passerelle: a workspace that loads the territory's graph
in one call (``workspace``), and pictures of the collaboration graph (``views``)."""
