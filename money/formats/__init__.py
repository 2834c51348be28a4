"""The e-invoice, bank and accounting file formats (Factur-X/CII, UBL, SEPA, CAMT.053, FEC),
turning plain typed values into files and files back into typed values."""
