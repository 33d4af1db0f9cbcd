package s3store

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Policy is an IAM identity policy, as far as the sandbox evaluates one: Allow statements
// with Action, Resource and StringLike/StringEquals conditions on s3:prefix. Written from the
// IAM User Guide ("IAM JSON policy elements", "Policy evaluation logic"): a request is allowed
// when a statement allows it, and refused otherwise (the implicit deny).
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Policy.
type Statement struct {
	Sid       string                           `json:"Sid,omitempty"`
	Effect    string                           `json:"Effect"`
	Action    stringList                       `json:"Action"`
	Resource  stringList                       `json:"Resource"`
	Condition map[string]map[string]stringList `json:"Condition,omitempty"`
}

// stringList is a JSON string or array of strings, as IAM accepts both.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("a string or a list of strings: %w", err)
	}
	*s = many
	return nil
}

// ParsePolicy reads a policy document.
func ParsePolicy(doc string) (*Policy, error) {
	var p Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	for i, st := range p.Statement {
		if st.Effect != "Allow" {
			return nil, fmt.Errorf("statement %d: the sandbox evaluates Allow statements only, not %q", i, st.Effect)
		}
		for op := range st.Condition {
			if op != "StringLike" && op != "StringEquals" {
				return nil, fmt.Errorf("statement %d: condition operator %q is not evaluated by the sandbox", i, op)
			}
		}
	}
	return &p, nil
}

// Allows says whether a statement allows action on resource in the request context ctx
// (condition keys to values; a key the request lacks fails its condition).
func (p *Policy) Allows(action, resource string, ctx map[string]string) bool {
	for _, st := range p.Statement {
		if matchesAny(st.Action, action, true) && matchesAny(st.Resource, resource, false) && conditionsHold(st.Condition, ctx) {
			return true
		}
	}
	return false
}

// matchesAny matches IAM patterns, where * is any run of characters and ? one character;
// actions compare without regard to case.
func matchesAny(patterns []string, value string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			p, value = strings.ToLower(p), strings.ToLower(value)
		}
		if wildcard(p, value) {
			return true
		}
	}
	return false
}

// wildcard is IAM's pattern match: * is any run of characters (/ included), ? one character,
// and the special-character variables ${*}, ${?} and ${$} stand for the characters themselves
// (IAM User Guide, "IAM policy elements: Variables and tags"). Everything else is literal.
func wildcard(pattern, value string) bool {
	// The classic two-pointer match with one backtrack point, on the pattern's tokens.
	const (
		char = iota
		run  // *
		one  // ?
	)
	type token struct {
		kind int
		c    byte
	}
	toks := make([]token, 0, len(pattern))
	for i := 0; i < len(pattern); i++ {
		switch rest := pattern[i:]; {
		case strings.HasPrefix(rest, "${*}"), strings.HasPrefix(rest, "${?}"), strings.HasPrefix(rest, "${$}"):
			toks = append(toks, token{char, rest[2]})
			i += 3
		case rest[0] == '*':
			toks = append(toks, token{kind: run})
		case rest[0] == '?':
			toks = append(toks, token{kind: one})
		default:
			toks = append(toks, token{char, rest[0]})
		}
	}
	t, v, star, mark := 0, 0, -1, 0
	for v < len(value) {
		switch {
		case t < len(toks) && (toks[t].kind == one || (toks[t].kind == char && toks[t].c == value[v])):
			t, v = t+1, v+1
		case t < len(toks) && toks[t].kind == run:
			star, mark = t, v
			t++
		case star >= 0:
			t, mark = star+1, mark+1
			v = mark
		default:
			return false
		}
	}
	for t < len(toks) && toks[t].kind == run {
		t++
	}
	return t == len(toks)
}

// literal reads the special-character variables of a condition value compared with
// StringEquals, where * and ? are characters.
func literal(s string) string {
	return strings.NewReplacer("${*}", "*", "${?}", "?", "${$}", "$").Replace(s)
}

func conditionsHold(cond map[string]map[string]stringList, ctx map[string]string) bool {
	for op, keys := range cond {
		for key, want := range keys {
			got, ok := ctx[key]
			if !ok {
				return false
			}
			held := false
			for _, w := range want {
				if (op == "StringEquals" && literal(w) == got) || (op == "StringLike" && wildcard(w, got)) {
					held = true
				}
			}
			if !held {
				return false
			}
		}
	}
	return true
}
