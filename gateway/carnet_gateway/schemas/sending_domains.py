"""HTTP shapes of sending domains (E-5, E-6): DNS records to publish, their check, approval."""
