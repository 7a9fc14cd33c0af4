#!/bin/sh
# PriceBook through the apply engine: a negative price, an unknown
# currency, mixed currencies and an amount that would have to be guessed
# are refused with FILE:LINE:COL, the document and the field, and nothing
# of the file is applied.  A price change is an update with its history
# in the ledger.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a workspace with a EUR price book' '
	aivalue init >/dev/null &&
	cat >base.yaml <<-\EOT &&
	kind: PriceBook
	name: base
	currency: EUR
	seats:
	  - {tool: github-copilot, per_month: "19.00", effective_from: 2026-01-01}
	EOT
	aivalue apply -f base.yaml >/dev/null &&
	aivalue get pricebooks --json >g.json &&
	test "$(json_get g.json "[b[\"name\"] for b in d]")" = "['\''base'\'']"
'

# Each bad file also holds a good second document, which must not be applied.
test_expect_success 'a negative price is refused, naming file, line, document and field' '
	cat >neg.yaml <<-\EOT &&
	kind: PriceBook
	name: other
	currency: EUR
	---
	kind: PriceBook
	name: neg
	currency: EUR
	models:
	  - {model: gpt-4o, input_per_million: "-2.50", output_per_million: "10.00", effective_from: 2026-01-01}
	EOT
	test_must_fail --exit=1 aivalue apply -f neg.yaml 2>err &&
	test_grep "neg.yaml:9:.*price book .neg.: models\[0\]: field .input_per_million. is negative (-2.50)" err &&
	aivalue get pricebooks --json >g.json &&
	test "$(json_get g.json "len(d)")" = 1
'

test_expect_success 'an unknown currency is refused' '
	cat >ccy.yaml <<-\EOT &&
	kind: PriceBook
	name: euros
	currency: EUROS
	EOT
	test_must_fail --exit=1 aivalue apply -f ccy.yaml 2>err &&
	test_grep "ccy.yaml:3:.*price book .euros.: field .currency.: unknown currency .EUROS." err
'

test_expect_success 'mixed currencies are refused: in a line, and across books' '
	cat >mixed.yaml <<-\EOT &&
	kind: PriceBook
	name: mixed
	currency: EUR
	seats:
	  - {tool: chatgpt, per_month: "25.00", currency: USD, effective_from: 2026-01-01}
	EOT
	test_must_fail --exit=1 aivalue apply -f mixed.yaml 2>err &&
	test_grep "mixed.yaml:5:.*price book .mixed.: seats\[0\]: field .currency.: mixed currencies: USD in a book in EUR" err &&
	cat >usd.yaml <<-\EOT &&
	kind: PriceBook
	name: usd
	currency: USD
	seats:
	  - {tool: chatgpt, per_month: "25.00", effective_from: 2026-01-01}
	EOT
	test_must_fail --exit=1 aivalue apply -f usd.yaml 2>err &&
	test_grep "price book .usd.: field .currency.: mixed currencies: USD, but price book .base. is in EUR" err &&
	aivalue get pricebooks --json >g.json &&
	test "$(json_get g.json "len(d)")" = 1
'

test_expect_success 'amounts that would have to be guessed are refused' '
	cat >amb.yaml <<-\EOT &&
	kind: PriceBook
	name: amb
	currency: EUR
	seats:
	  - {tool: m365-copilot, per_month: "1,204", effective_from: 2026-01-01}
	EOT
	test_must_fail --exit=1 aivalue apply -f amb.yaml 2>err &&
	test_grep "field .per_month.: .1,204. is ambiguous" err &&
	sed "s/\"1,204\"/\"28.125\"/" amb.yaml >dec.yaml &&
	test_must_fail --exit=1 aivalue apply -f dec.yaml 2>err &&
	test_grep "field .per_month.: .28.125. has more decimals than 2" err &&
	sed "s/effective_from: 2026-01-01/effective_from: 2026-02-30/" base.yaml >day.yaml &&
	test_must_fail --exit=1 aivalue apply -f day.yaml 2>err &&
	test_grep "field .effective_from. must be a date YYYY-MM-DD, not .2026-02-30." err
'

test_expect_success 'a price change is an update with its history in the ledger' '
	cat >>base.yaml <<-\EOT &&
	  - {tool: github-copilot, per_month: "21.50", effective_from: 2026-03-01}
	EOT
	aivalue apply -f base.yaml >out &&
	test_grep "PriceBook/base updated" out &&
	aivalue audit log -n 1 --json >log.json &&
	test "$(json_get log.json "d[0][\"action\"]")" = apply.update &&
	test "$(json_get log.json "d[0][\"subject\"]")" = PriceBook/base &&
	aivalue apply -f base.yaml >again &&
	test_grep "0 created, 0 updated, 1 unchanged" again
'

test_done
