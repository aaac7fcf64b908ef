"""What a user can do: pair needs and labs, follow needs and introductions, sign in, explore
the collaboration graph, ask what-ifs."""
