package acctest

import (
	"errors"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// SameAsState in IdentitySteps' want: the identity attribute is set, and equals the state
// attribute of its name.
var SameAsState knownvalue.Check = sameAsState{}

type sameAsState struct{}

func (sameAsState) CheckValue(any) error {
	return errors.New("acctest.SameAsState is a marker of IdentitySteps' want, which checks it against state; it checks nothing elsewhere")
}
func (sameAsState) String() string { return "the state attribute of its name" }

// IdentitySteps are the steps that prove a resource's identity, to follow a step that created
// it: one that applies base again and checks the identity in state against want (exactly those
// attributes; SameAsState for one that equals the state attribute of its name), and one that
// imports the resource with an import block naming that identity
// (ImportBlockWithResourceIdentity), which terraform-plugin-testing passes when the import plans
// no change (base.ExpectNonEmptyPlan allows one) and its identity equals the one in state.
//
// base holds the configuration (ConfigFile or Config, ConfigVariables), the ResourceName, and
// what the import step needs besides: GenerateConfig, where the configuration spells the
// imported values otherwise (the step then imports into a generated <type>.generated beside the
// resource, as the ImportBlockWithID steps do), ExpectNonEmptyPlan, ImportPlanChecks. It must not
// use PreConfig, which runs before a step's SkipFunc.
//
// Under a CLI that predates identity (Terraform 1.11) both steps are skipped, and the test's log
// says why.
func IdentitySteps(t *testing.T, base resource.TestStep, want map[string]knownvalue.Check) []resource.TestStep {
	t.Helper()
	var logged sync.Once
	skip := func() (bool, error) {
		reason, err := IdentityUnsupported()
		if reason != "" {
			logged.Do(func() { t.Logf("skipping the resource identity steps of %s: %s", base.ResourceName, reason) })
		}
		return reason != "", err
	}
	exact := map[string]knownvalue.Check{}
	var checks []statecheck.StateCheck
	for name, c := range want {
		exact[name] = c
		if c == SameAsState {
			exact[name] = knownvalue.NotNull()
			checks = append(checks, statecheck.ExpectIdentityValueMatchesState(base.ResourceName, tfjsonpath.New(name)))
		}
	}
	check := resource.TestStep{
		SkipFunc: skip, Config: base.Config, ConfigFile: base.ConfigFile, ConfigDirectory: base.ConfigDirectory,
		ConfigVariables:   base.ConfigVariables,
		ConfigStateChecks: append([]statecheck.StateCheck{statecheck.ExpectIdentity(base.ResourceName, exact)}, checks...),
	}
	imp := base
	imp.SkipFunc, imp.ImportState, imp.ImportStateKind = skip, true, resource.ImportBlockWithResourceIdentity
	return []resource.TestStep{check, imp}
}
