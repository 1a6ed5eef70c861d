"""The linguistic layer: part-of-speech tags, dependency trees and the chunks read off them.

Modules, in the order data flows: `modelfile` (the shipped model files: arrays and a JSON
header, never code), `tagger` (words -> UPOS and XPOS), `parser` (words and tags -> heads
and relations), `chunks` (tree -> base phrases in BIO form) and `stage` (fills a Document's
tokens with what a rule set asks for, and only that).
"""
