/*
 * levenshtein.h - the edit distance behind "did you mean ...?".
 *
 * The optimal-string-alignment form of Damerau-Levenshtein, with the
 * weights git's help.c uses for its autocorrect hint: each kind of edit
 * costs its own amount, so that a letter left out ("phse" for "phase") is
 * cheaper than one typed extra, and two letters swapped ("pahse") cost
 * nothing extra at all.  One distance function for the whole program:
 * commands, subcommands and options all suggest through it (cli/help.c).
 */
#ifndef AIV_LEVENSHTEIN_H
#define AIV_LEVENSHTEIN_H

/*
 * The cheapest way to turn `from` into `to`, where swapping two adjacent
 * characters costs `swap`, replacing one `subst`, inserting one into
 * `from` `ins` and deleting one from `from` `del`.  Plain Damerau-
 * Levenshtein is (1, 1, 1, 1); git's suggestions use (0, 2, 1, 3).
 * Allocates two rows of strlen(to) + 1 ints; never fails (xmalloc).
 */
int levenshtein(const char *from, const char *to, int swap, int subst, int ins, int del);

#endif
