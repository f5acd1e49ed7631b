"""Bottom-up proposals: residents and organisations propose, others support, the office decides."""
