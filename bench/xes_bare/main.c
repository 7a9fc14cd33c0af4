/*
 * bench/xes_bare - bare expat + zlib over one XES file, as a program.
 *
 *   bench_xes_bare FILE.xes[.gz]
 *
 * The baseline of `bench_process --cli`: gzread into XML_GetBuffer, expat
 * with empty element handlers, nothing else.  It is a program of its own,
 * linked with expat and zlib only, so that the bench measures it the way it
 * measures `aivalue import cases` and `aivalue process stats`: a child
 * process started with execv, its CPU time (user + sys) from
 * getrusage(RUSAGE_CHILDREN), start-up, first touches of its memory and exit
 * included.  Exit status 0 when the file parsed, 1 otherwise.
 */
#include <expat.h>
#include <stdio.h>
#include <zlib.h>

static void XMLCALL empty_start(void *d, const XML_Char *e, const XML_Char **a)
{
	(void)d; (void)e; (void)a;
}

static void XMLCALL empty_end(void *d, const XML_Char *e)
{
	(void)d; (void)e;
}

int main(int argc, char **argv)
{
	XML_Parser p;
	gzFile gz;
	int n, rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_xes_bare FILE.xes[.gz]\n");
		return 2;
	}
	gz = gzopen(argv[1], "rb");
	p = XML_ParserCreate(NULL);
	if (!gz || !p) {
		fprintf(stderr, "bench_xes_bare: cannot open %s\n", argv[1]);
		rc = 1;
		goto out;
	}
	XML_SetElementHandler(p, empty_start, empty_end);
	do {
		void *buf = XML_GetBuffer(p, 1 << 20);
		n = buf ? gzread(gz, buf, 1 << 20) : -1;
		if (n < 0 || XML_ParseBuffer(p, n, n == 0) != XML_STATUS_OK) {
			fprintf(stderr, "bench_xes_bare: %s: not well-formed XML\n", argv[1]);
			rc = 1;
			break;
		}
	} while (n > 0);
out:
	/* freed on every path: the suite runs this under LeakSanitizer (t2280) */
	if (gz)
		gzclose(gz);
	if (p)
		XML_ParserFree(p);
	return rc;
}
