"""The knowledge base (help centre, FAQ): articles in Japanese and English, what customers
read, vote, say and search for, and the two reports that tell the team what is missing."""
