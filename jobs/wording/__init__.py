"""How the brand words a piece: phrases from its specs (template filters), what copy may claim about it
(the compliance checks) and the text rules of the channels. Shared by the describe job and the exporters."""
