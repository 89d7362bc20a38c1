"""Tasks and their board (T-1, T-2, C-22), and their calendar invitations (T-3) with the job that emails them."""
