package s3store

import (
	"encoding/json"
	"fmt"
	"path"
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

// wildcard is IAM's pattern match. path.Match treats / specially and [ as a class, so
// translate the pattern to one where neither occurs.
func wildcard(pattern, value string) bool {
	esc := func(s string) string { return strings.NewReplacer("/", "\x00", "[", "\x01", "\\", "\x02").Replace(s) }
	ok, err := path.Match(esc(pattern), esc(value))
	return err == nil && ok
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
				if (op == "StringEquals" && w == got) || (op == "StringLike" && wildcard(w, got)) {
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
