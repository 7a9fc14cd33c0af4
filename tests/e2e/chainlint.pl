#!/usr/bin/perl
# tests/e2e/chainlint.pl - refuse e2e test code whose commands are not
# chained with &&, in the spirit of git's t/chainlint.pl.
#
#   chainlint.pl [--file SCRIPT] [--test NAME] BODY
#       lint one test body (lib.sh runs this before every test_expect_success
#       and test_expect_failure body, unless AIV_CHAIN_LINT=0)
#   chainlint.pl --functions SCRIPT...
#       lint the bodies of the shell functions SCRIPT defines (the helpers a
#       test body calls; the rest of SCRIPT is not a test and is not linted)
#   chainlint.pl --functions --clean-bodies OUT SCRIPT
#       the same, and write to OUT, as shell assignments aiv_lint_n=K and
#       aiv_lint_1=... to aiv_lint_K=..., the text of every single-quoted
#       body of SCRIPT (as --bodies finds them) that lints clean: lib.sh
#       runs this once per file and skips the per-body lint for a body
#       whose text is one of them (the lint of a text does not depend on
#       where it runs), which saves one perl start per test
#
# Exit 0 when clean; 1 with one report per problem on stdout, naming the
# test file, the test and the offending line; 2 on a usage error.
#
# Why: a body's commands are joined with && so that the first failure fails
# the test.  lib.sh also runs bodies under set -e, but set -e is switched off
# inside anything that runs as part of an if, a ! or a && / || list
# (functions included), so a helper called as `helper && next` is protected
# only by its own && chain.  The lint makes the chain the rule everywhere.
#
# Unlike git's lint, a command followed by one that reads $? is refused: the
# body runs under set -e, so a failing `cmd` ends it before `st=$?` runs;
# write `cmd || st=$?`.
#
# What passes (git's rules otherwise):
#   - every command in a list but the last ends with &&, ||, | or &;
#   - a command ending in `return`, `exit` or `continue` (`cmd || return 1`);
#   - commands followed by `false`, `return` or `exit`, which fail explicitly:
#     `cmd || { echo "why" >&2; false; }`;
#   - here-documents, { } groups, ( ) subshells, if/elif/else/fi, case/esac,
#     whose inner lists follow the same rules; the compound as a whole is one
#     command of its enclosing list;
#   - a for/while/until loop whose body says `|| return 1` or `|| exit 1`:
#     without it, a failure in an early iteration is lost;
#     a loop whose body only starts background jobs (`cmd &`) is exempt,
#     since nothing in it can fail before the jobs are waited for.
#
# The parser is a small shell lexer (quotes, $( ), ${ }, backquotes,
# here-documents, comments, redirections) and a recursive-descent parser for
# lists, pipelines and compound commands.  It does not look inside $( ).
use strict;
use warnings;

my %RESERVED_STOP = map { $_ => 1 } qw(then else elif fi do done esac });

# ---- lexer -----------------------------------------------------------------

sub new_parser {
	my ($text) = @_;
	return {
		s => $text, pos => 0, line => 1, heredocs => [], peeked => undef,
		collect => [], lint_depth => 0, problems => [], lines => [split /\n/, $text, -1],
	};
}

sub perr {
	my ($p, $msg) = @_;
	die { line => $p->{line}, msg => $msg };
}

# Scan the rest of a word after its first character; returns the text.
# Handles quotes, escapes and expansions; stops at an unquoted metacharacter.
sub scan_word {
	my ($p) = @_;
	my $s = \$p->{s};
	my $start = $p->{pos};
	while ($p->{pos} < length $$s) {
		my $c = substr($$s, $p->{pos}, 1);
		last if $c =~ /[ \t\n;&|()<>]/;
		if ($c eq '\\') {
			$p->{line}++ if substr($$s, $p->{pos} + 1, 1) eq "\n";
			$p->{pos} += 2;
		} elsif ($c eq "'") {
			scan_single($p);
		} elsif ($c eq '"') {
			scan_double($p);
		} elsif ($c eq '`') {
			scan_backquote($p);
		} elsif ($c eq '$') {
			scan_dollar($p);
		} else {
			$p->{pos}++;
		}
	}
	return substr($$s, $start, $p->{pos} - $start);
}

sub scan_single {
	my ($p) = @_;
	my $end = index($p->{s}, "'", $p->{pos} + 1);
	perr($p, "unterminated single quote") if $end < 0;
	my $chunk = substr($p->{s}, $p->{pos}, $end - $p->{pos});
	$p->{line} += ($chunk =~ tr/\n//);
	$p->{pos} = $end + 1;
}

# Skip a "..." (expansions inside) or `...` (none) starting at pos.
sub scan_quoted {
	my ($p, $close, $what) = @_;
	my $s = \$p->{s};
	$p->{pos}++;
	while (1) {
		perr($p, "unterminated $what") if $p->{pos} >= length $$s;
		my $c = substr($$s, $p->{pos}, 1);
		if ($c eq $close) { $p->{pos}++; return; }
		if ($c eq '\\') { $p->{line}++ if substr($$s, $p->{pos} + 1, 1) eq "\n"; $p->{pos} += 2; next; }
		if ($close eq '"' && $c eq '`') { scan_backquote($p); next; }
		if ($close eq '"' && $c eq '$') { scan_dollar($p); next; }
		$p->{line}++ if $c eq "\n";
		$p->{pos}++;
	}
}

sub scan_double { scan_quoted($_[0], '"', 'double quote'); }
sub scan_backquote { scan_quoted($_[0], '`', 'backquote'); }

# $name, ${...}, $(...), $((...)): skip to the end, quotes and nesting aware
sub scan_dollar {
	my ($p) = @_;
	my $s = \$p->{s};
	my $next = substr($$s, $p->{pos} + 1, 1);
	if ($next eq '(' || $next eq '{') {
		$p->{pos} += 2;
		scan_balanced($p, $next eq '(' ? ')' : '}');
	} else {
		$p->{pos}++;
	}
}

# Skip to the CLOSE that balances an opening already consumed.  Inside $( )
# a case pattern's ")" would unbalance it; none of our tests does that.
sub scan_balanced {
	my ($p, $close) = @_;
	my $open = $close eq ')' ? '(' : '{';
	my $s = \$p->{s};
	my $depth = 1;
	while (1) {
		perr($p, "unterminated '$open'") if $p->{pos} >= length $$s;
		my $c = substr($$s, $p->{pos}, 1);
		if ($c eq "'") { scan_single($p); next; }
		if ($c eq '"') { scan_double($p); next; }
		if ($c eq '`') { scan_backquote($p); next; }
		if ($c eq '\\') { $p->{pos} += 2; next; }
		if ($c eq '$' && substr($$s, $p->{pos} + 1, 1) =~ /[({]/) { scan_dollar($p); next; }
		$p->{line}++ if $c eq "\n";
		$p->{pos}++;
		if ($c eq $open) { $depth++; }
		elsif ($c eq $close) { return if --$depth == 0; }
	}
}

# Read the bodies of the here-documents announced on the line just ended.
sub read_heredocs {
	my ($p) = @_;
	my $s = \$p->{s};
	for my $h (@{$p->{heredocs}}) {
		while (1) {
			perr($p, "here-document '$h->{delim}' is not closed") if $p->{pos} >= length $$s;
			my $nl = index($$s, "\n", $p->{pos});
			my $end = $nl < 0 ? length $$s : $nl;
			my $l = substr($$s, $p->{pos}, $end - $p->{pos});
			$p->{pos} = $nl < 0 ? $end : $nl + 1;
			$p->{line}++;
			$l =~ s/^\t+// if $h->{strip};
			last if $l eq $h->{delim};
		}
	}
	$p->{heredocs} = [];
}

sub lex {
	my ($p) = @_;
	my $s = \$p->{s};
	while (1) {
		return { type => 'eof', text => '', line => $p->{line} } if $p->{pos} >= length $$s;
		my $c = substr($$s, $p->{pos}, 1);
		if ($c eq ' ' || $c eq "\t") { $p->{pos}++; next; }
		if ($c eq '\\' && substr($$s, $p->{pos} + 1, 1) eq "\n") { $p->{pos} += 2; $p->{line}++; next; }
		if ($c eq '#') {
			my $nl = index($$s, "\n", $p->{pos});
			$p->{pos} = $nl < 0 ? length $$s : $nl;
			next;
		}
		last;
	}
	my $line = $p->{line};
	my $rest = substr($p->{s}, $p->{pos}, 3);
	if ($rest =~ /^\n/) {
		$p->{pos}++;
		$p->{line}++;
		read_heredocs($p) if @{$p->{heredocs}};
		return { type => 'nl', text => "\n", line => $line };
	}
	if ($rest =~ /^(&&|\|\||;;|[|&;()])/) {
		$p->{pos} += length $1;
		return { type => 'op', text => $1, line => $line, end => $line };
	}
	# a redirection, with an optional file descriptor in front: one token
	# holding its target too, so the parser sees it as part of a command
	my ($fd) = substr($p->{s}, $p->{pos}, 12) =~ /^(\d*)[<>]/;
	if (defined $fd) {
		$p->{pos} += length $fd;
		my ($op) = substr($p->{s}, $p->{pos}, 3) =~ /^(<<-|<<|>>|>&|<&|<>|>\||<|>)/;
		$p->{pos} += length $op;
		1 while substr($p->{s}, $p->{pos}, 1) =~ /^[ \t]$/ && $p->{pos}++;
		my $target = scan_word($p);
		perr($p, "redirection '$op' without a target") if $target eq '';
		if ($op eq '<<' || $op eq '<<-') {
			(my $delim = $target) =~ s/['"\\]//g;
			push @{$p->{heredocs}}, { delim => $delim, strip => $op eq '<<-' };
		}
		return { type => 'redir', text => "$fd$op$target", line => $line, end => $p->{line} };
	}
	my $w = scan_word($p);
	return { type => 'word', text => $w, line => $line, end => $p->{line} };
}

sub peek {
	my ($p) = @_;
	$p->{peeked} //= lex($p);
	return $p->{peeked};
}

sub take {
	my ($p) = @_;
	my $t = peek($p);
	$p->{peeked} = undef;
	push @$_, $t for @{$p->{collect}};
	$p->{last_line} = $t->{end} if $t->{type} ne 'nl' && $t->{type} ne 'eof';
	return $t;
}

sub is_word { my ($t, $w) = @_; return $t->{type} eq 'word' && $t->{text} eq $w; }
sub is_op { my ($t, $o) = @_; return $t->{type} eq 'op' && $t->{text} eq $o; }

sub expect_word {
	my ($p, $w) = @_;
	my $t = take($p);
	perr($p, "expected '$w', found " . ($t->{type} eq 'eof' ? 'the end' : "'$t->{text}'")) unless is_word($t, $w);
}

sub skip_nl { my ($p) = @_; take($p) while peek($p)->{type} eq 'nl'; }

# ---- parser ----------------------------------------------------------------

# A list: and-or items separated by ; & or newlines, up to a reserved word in
# STOP (at the start of a command), a ")" or ";;", or the end.
sub parse_list {
	my ($p, @stop) = @_;
	my %stop = map { $_ => 1 } @stop;
	my @items;
	while (1) {
		skip_nl($p);
		my $t = peek($p);
		last if $t->{type} eq 'eof' || is_op($t, ')') || is_op($t, ';;');
		last if $t->{type} eq 'word' && $stop{$t->{text}};
		perr($p, "unexpected '$t->{text}'") if $t->{type} eq 'word' && $RESERVED_STOP{$t->{text}};
		my $item = parse_and_or($p);
		my $n = peek($p);
		if (is_op($n, ';') || is_op($n, '&')) {
			$item->{sep} = take($p)->{text};
		} elsif ($n->{type} eq 'nl') {
			$item->{sep} = "\n";
		} else {
			$item->{sep} = '';
		}
		push @items, $item;
	}
	lint_list($p, \@items) if $p->{lint_depth} > 0;
	return \@items;
}

sub parse_and_or {
	my ($p) = @_;
	my @toks;
	push @{$p->{collect}}, \@toks;
	my $cmd = parse_pipeline($p);
	my $item = { first => $cmd->{first}, line => $cmd->{line}, toks => \@toks };
	while (is_op(peek($p), '&&') || is_op(peek($p), '||')) {
		take($p);
		skip_nl($p);
		$cmd = parse_pipeline($p);
	}
	pop @{$p->{collect}};
	$item->{last} = $cmd;
	$item->{end_line} = $p->{last_line};
	return $item;
}

sub parse_pipeline {
	my ($p) = @_;
	take($p) if is_word(peek($p), '!');
	my $cmd = parse_command($p);
	my $first = $cmd;
	while (is_op(peek($p), '|')) {
		take($p);
		skip_nl($p);
		$cmd = parse_command($p);
	}
	return { first => $first->{first}, line => $first->{line}, last => $cmd };
}

sub take_redirs { my ($p) = @_; take($p) while peek($p)->{type} eq 'redir'; }

# Returns { first => first word, line => its line, exits => 1 if the command
# ends its function or loop (return/exit/continue, or a { } group ending so) }
sub parse_command {
	my ($p) = @_;
	my $t = peek($p);
	my $line = $t->{line};
	if (is_op($t, '(')) {
		take($p);
		parse_list($p);
		my $c = take($p);
		perr($p, "expected ')'") unless is_op($c, ')');
		take_redirs($p);
		return { first => '(', line => $line };
	}
	if ($t->{type} eq 'word') {
		my $w = $t->{text};
		if ($w eq '{') {
			take($p);
			my $items = parse_list($p, '}');
			expect_word($p, '}');
			take_redirs($p);
			my $exits = @$items && $items->[-1]{last}{last}{exits};
			return { first => '{', line => $line, exits => $exits };
		}
		if ($w eq 'if') {
			take($p);
			parse_list($p, 'then');
			expect_word($p, 'then');
			parse_list($p, 'elif', 'else', 'fi');
			while (is_word(peek($p), 'elif')) {
				take($p);
				parse_list($p, 'then');
				expect_word($p, 'then');
				parse_list($p, 'elif', 'else', 'fi');
			}
			if (is_word(peek($p), 'else')) {
				take($p);
				parse_list($p, 'fi');
			}
			expect_word($p, 'fi');
			take_redirs($p);
			return { first => 'if', line => $line };
		}
		if ($w eq 'for' || $w eq 'while' || $w eq 'until') {
			take($p);
			if ($w eq 'for') {
				take($p);    # the variable
				take($p) while peek($p)->{type} eq 'word' && !is_word(peek($p), 'do');
				take($p) if is_op(peek($p), ';');
				skip_nl($p);
			} else {
				parse_list($p, 'do');
			}
			expect_word($p, 'do');
			my @toks;
			push @{$p->{collect}}, \@toks;
			my $items = parse_list($p, 'done');
			pop @{$p->{collect}};
			expect_word($p, 'done');
			take_redirs($p);
			# a body that only starts background jobs cannot fail in the loop:
			# the caller waits for the jobs and checks them
			my $background = !grep { $_->{sep} ne '&' } @$items;
			lint_loop($p, \@toks, $line) if $p->{lint_depth} > 0 && !$background;
			return { first => $w, line => $line };
		}
		if ($w eq 'case') {
			take($p);
			take($p);    # the word
			skip_nl($p);
			expect_word($p, 'in');
			while (1) {
				skip_nl($p);
				last if is_word(peek($p), 'esac');
				take($p) if is_op(peek($p), '(');
				while (1) {
					my $pat = take($p);
					perr($p, "bad case pattern") if $pat->{type} ne 'word';
					my $n = take($p);
					last if is_op($n, ')');
					perr($p, "expected ')' after a case pattern") unless is_op($n, '|');
				}
				parse_list($p, 'esac');
				take($p) if is_op(peek($p), ';;');
			}
			expect_word($p, 'esac');
			take_redirs($p);
			return { first => 'case', line => $line };
		}
	}
	# a simple command, or a function definition NAME() COMPOUND
	my (@words, @wtoks);
	while (1) {
		my $n = peek($p);
		last unless $n->{type} eq 'word' || $n->{type} eq 'redir';
		push @words, $n->{text} if $n->{type} eq 'word';
		push @wtoks, $n if $n->{type} eq 'word';
		take($p);
		if (@words == 1 && $n->{type} eq 'word' && is_op(peek($p), '(')) {
			take($p);
			my $c = take($p);
			perr($p, "expected ')' in the definition of '$words[0]'") unless is_op($c, ')');
			skip_nl($p);
			$p->{lint_depth}++;
			push @{$p->{functions}}, $words[0];
			parse_command($p);
			$p->{lint_depth}--;
			return { first => $words[0], line => $line, fundef => 1 };
		}
	}
	perr($p, "expected a command, found " . ($t->{type} eq 'eof' ? 'the end' : "'$t->{text}'")) unless @words || $t->{type} eq 'redir';
	lint_body_arg($p, \@wtoks) if $p->{bodies} && @words >= 3 && $words[0] =~ /^test_/;
	my $first = @words ? $words[0] : '';
	my $exits = @words && $words[0] =~ /^(?:return|exit|continue)$/;
	return { first => $first, line => $line, exits => $exits };
}

# ---- the rules -------------------------------------------------------------

sub lint_list {
	my ($p, $items) = @_;
	my @mine;
	for my $i (0 .. $#$items - 1) {
		my ($item, $next) = ($items->[$i], $items->[$i + 1]);
		next if $item->{sep} eq '&';
		next if $item->{last}{last}{exits};
		if ($next->{first} =~ /^(?:false|return|exit)$/) {
			@mine = ();    # an explicit failure follows: what comes before may be diagnostics
			next;
		}
		push @mine, { line => $item->{end_line}, what => "missing '&&' after this command" };
	}
	push @{$p->{problems}}, @mine;
}

sub lint_loop {
	my ($p, $toks, $line) = @_;
	return if grep { $_->{type} eq 'word' && $_->{text} =~ /^(?:return|exit)$/ } @$toks;
	push @{$p->{problems}}, { line => $line,
		what => "loop without '|| return 1' (or '|| exit 1') in its body: an early iteration's failure is lost" };
}

# --bodies: a test_* call (test_expect_success, or a wrapper of it) seen while
# parsing a whole script; lint its last argument when it is one single-quoted
# string (what lib.sh will eval)
sub lint_body_arg {
	my ($p, $wtoks) = @_;
	my $t = $wtoks->[-1];
	return unless $t->{text} =~ /^'([^']*)'$/s;
	my ($q, $problems) = lint_text($1, 1);
	push @{$p->{clean_bodies}}, $1 unless @$problems;
	for my $pr (@$problems) {
		my $line = $t->{line} + $pr->{line} - 1;
		push @{$p->{body_problems}}, { line => $line, what => "test $wtoks->[1]{text}: $pr->{what}" };
	}
}

# ---- reporting -------------------------------------------------------------

# Where the body starts in SCRIPT: the line of the test_* call (or of a
# wrapper such as t2000's test_shared) whose name is NAME literally, if there
# is exactly one (0 if not found).
sub find_test_line {
	my ($file, $name) = @_;
	return 0 unless defined $file && defined $name && open(my $fh, '<', $file);
	my @hits;
	while (my $l = <$fh>) {
		push @hits, $. if $l =~ /^\s*test_\w+\s/ && index($l, $name) >= 0;
	}
	close $fh;
	return @hits == 1 ? $hits[0] : 0;
}

sub lint_text {
	my ($text, $depth, $bodies) = @_;
	my $p = new_parser($text);
	$p->{lint_depth} = $depth;
	$p->{bodies} = $bodies;
	$p->{functions} = [];
	eval {
		parse_list($p);
		my $t = peek($p);
		perr($p, "unexpected '$t->{text}'") unless $t->{type} eq 'eof';
		perr($p, "here-document '$p->{heredocs}[0]{delim}' is not closed") if @{$p->{heredocs}};
		1;
	} or do {
		my $e = $@;
		die $e unless ref $e;
		push @{$p->{problems}}, { line => $e->{line}, what => "cannot parse: $e->{msg}" };
	};
	my %seen;
	return ($p, [grep { !$seen{"$_->{line}:$_->{what}"}++ } sort { $a->{line} <=> $b->{line} } @{$p->{problems}}]);
}

# --clean-bodies: the clean texts as shell assignments, single-quoted
sub write_clean_bodies {
	my ($out, $texts) = @_;
	open(my $fh, '>', $out) or do { print STDERR "chainlint: cannot write '$out': $!\n"; exit 2; };
	printf $fh "aiv_lint_n=%d\n", scalar @$texts;
	my $i = 0;
	for my $t (@$texts) {
		(my $q = $t) =~ s/'/'\\''/g;
		printf $fh "aiv_lint_%d='%s'\n", ++$i, $q;
	}
	close $fh or do { print STDERR "chainlint: cannot write '$out': $!\n"; exit 2; };
}

sub usage { print STDERR "usage: chainlint.pl [--file SCRIPT] [--test NAME] BODY\n       chainlint.pl --functions [--clean-bodies OUT] SCRIPT...\n"; exit 2; }

my ($file, $name, $functions, $clean_out);
while (@ARGV && $ARGV[0] =~ /^--/) {
	my $o = shift @ARGV;
	if ($o eq '--file') { $file = shift @ARGV; }
	elsif ($o eq '--clean-bodies') { $clean_out = shift @ARGV; }
	elsif ($o eq '--test') { $name = shift @ARGV; }
	elsif ($o eq '--functions') { $functions = 1; }
	elsif ($o eq '--bodies') { $functions = 2; }
	else { usage(); }
}
usage() unless @ARGV;
usage() if defined $clean_out && !($functions && $functions == 1 && @ARGV == 1);

my $bad = 0;
if ($functions) {
	for my $script (@ARGV) {
		open(my $fh, '<', $script) or do { print STDERR "chainlint: cannot read '$script': $!\n"; exit 2; };
		my $text = do { local $/; <$fh> };
		close $fh;
		my ($p, $problems) = lint_text($text, 0, $functions == 2 || defined $clean_out);
		$problems = $p->{body_problems} || [] if $functions == 2;
		write_clean_bodies($clean_out, $p->{clean_bodies} || []) if defined $clean_out;
		my @lines = split /\n/, $text, -1;
		for my $pr (@$problems) {
			(my $base = $script) =~ s{.*/}{};
			printf "chain-lint: %s:%d: %s:\n\t%s\n", $base, $pr->{line}, $pr->{what}, $lines[$pr->{line} - 1] // '';
			$bad = 1;
		}
	}
	exit $bad;
}

usage() unless @ARGV == 1;
my $body = $ARGV[0];
my ($p, $problems) = lint_text($body, 1);
my $at = find_test_line($file, $name);
my $where = defined $file ? $file : 'test body';
$where =~ s{.*/}{};
for my $pr (@$problems) {
	my $loc = $at ? sprintf("%s:%d", $where, $at + $pr->{line} - 1) : sprintf("%s (line %d of the body)", $where, $pr->{line});
	printf "chain-lint: %s: test '%s': %s:\n\t%s\n", $loc, $name // '', $pr->{what}, $p->{lines}[$pr->{line} - 1] // '';
	$bad = 1;
}
exit $bad;
