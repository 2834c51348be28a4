"""Members' needs: submitted, changed, cancelled, matched to a catalog product, listed for the
lead, and moved along when products are merged."""
