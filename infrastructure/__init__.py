"""What every side hands plain data to: the CSV writer, PDF drawing and the SMTP sender.

Nothing here imports a domain package; the domain turns its objects into plain values first.
"""
