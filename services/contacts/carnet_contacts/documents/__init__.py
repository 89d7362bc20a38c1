"""Documents (C-21, DOC-1..DOC-5): files' metadata, folders, attachments to contacts and accounts, quotas per user;
the bytes live in carnet_common.storage.
"""
