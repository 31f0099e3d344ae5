"""After signing: progress per objective, golden-thread checks on notes, safety between reviews.

``measures.load()`` reads a ``treatment-measures/1`` file; ``report.assess()`` gives the whole
reading; ``packet`` renders it for supervisors and payers; ``review`` checks the clinician's
dispositions against the numbers.
"""
