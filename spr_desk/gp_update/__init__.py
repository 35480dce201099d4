"""The update to the patient's GP practice at the end of an episode: words, document, due."""
