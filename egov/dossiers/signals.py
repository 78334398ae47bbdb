"""Signals for other apps (the citizen portal keeps results and refunds fees).

``dossier_transitioned`` is sent inside the acting transaction, right after a transition's
history row is written: receivers may write to the database (their writes commit or roll back
with the action) and put anything external in ``transaction.on_commit``.
"""

from django.dispatch import Signal

# sender=Dossier, dossier=<Dossier>, event=<DossierEvent>
dossier_transitioned = Signal()
