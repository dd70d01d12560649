"""The curator's stage: the hand-curated ``dataset/`` folder read and fully validated
(:mod:`.dataset`), and checked against the article it was drawn from (:mod:`.provenance`)."""
