"""Text -> annotated Document: tokens, sentences, lemmas, shapes."""
