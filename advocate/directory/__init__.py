"""The services directory: vocabulary, bundled national resources, search and ranking."""
