"""Describing: the published data summarised and documented for people and catalogues.

``summary`` counts claims by theme, kind, actor and band and renders the confidence spread;
``card`` renders README's generated sections and the Hugging Face-style dataset card from the
definitions the validators use; ``croissant`` describes the exports as Croissant JSON-LD for
dataset search; ``plot`` draws the overview figure (matplotlib, the plot extra); ``metadata``
writes or checks all of these in one place. Nothing is imported here: each module is imported
where it is used, so importing the package stays free of pandas, pyarrow and matplotlib.
"""
