package younite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/younite"
)

func TestMain(m *testing.M) { acctest.Main(m) }

const drAddr = "dataplatforms_younite_data_record.test"

var cfg = config.StaticFile("testdata/data_record.tf")

func client(t *testing.T) *younite.Client {
	sb := acctest.Sandbox(t)
	return younite.NewClient(sb.Endpoints["younite"]+"/api", younitefake.Token, transport.New(transport.Config{Platform: younite.PlatformName}))
}

// entities reads what an adaptor's source system holds, by DR (the sandbox's window into it).
func entities(t *testing.T, adaptor string) map[string]json.RawMessage {
	t.Helper()
	resp, err := http.Get(acctest.Sandbox(t).Endpoints["younite"] + "/sandbox/adaptors/" + adaptor + "/entities")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	out := map[string]json.RawMessage{}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// federatedDR creates a federated DR linked at the given adaptors, as the mapping workflow does.
func federatedDR(t *testing.T, adaptors ...string) string {
	t.Helper()
	ctx := context.Background()
	c := client(t)
	id := acctest.Unique("student")
	d, err := c.CreateDR(ctx, younitefake.ZoneMain, younitefake.DomainStudents, 1, json.RawMessage(fmt.Sprintf(`{"studentId":%q}`, id)))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range adaptors {
		if err := c.MapDR(ctx, younitefake.ZoneMain, d.UUID, a, json.RawMessage(fmt.Sprintf(`{"id":%q,"system":%q}`, id, a))); err != nil {
			t.Fatal(err)
		}
	}
	return d.UUID
}

// holds checks, per adaptor, whether its system still holds the DR's entity.
func holds(t *testing.T, dr string, want map[string]bool) error {
	for a, w := range want {
		if _, ok := entities(t, a)[dr]; ok != w {
			return fmt.Errorf("adaptor %s holds the entity of DR %s: %v, want %v", a, dr, ok, w)
		}
	}
	return nil
}

// setShapes switches the fake between its inferred shapes and the documented ones.
func setShapes(t *testing.T, documented bool) {
	t.Helper()
	body, _ := json.Marshal(younitefake.Shapes{Documented: documented})
	resp, err := http.Post(acctest.Sandbox(t).Endpoints["younite"]+"/sandbox/shapes", "application/json", strings.NewReader(string(body)))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("switching the YOUnite fake's shapes: %v %v", resp, err)
	}
	_ = resp.Body.Close()
}

// forEachShape runs a test against the fake's richer inferred answers and against the shapes
// YOUnite's documentation shows (Location-only create, list-shaped DR, a delete that finishes
// after its answer, 401 ACL refusals). The package's tests run one at a time.
func forEachShape(t *testing.T, run func(t *testing.T, documented bool)) {
	for _, documented := range []bool{false, true} {
		name := "inferred_shapes"
		if documented {
			name = "documented_shapes"
		}
		t.Run(name, func(t *testing.T) {
			acctest.PreCheck(t)
			setShapes(t, documented)
			t.Cleanup(func() { setShapes(t, false) })
			run(t, documented)
		})
	}
}

// eventually retries check for a few seconds: with the documented shapes a delete completes
// after YOUnite's answer.
func eventually(check func() error) error {
	var err error
	for range 50 {
		if err = check(); err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// rechecks counts the link checks of a DR that followed its DELETE.
func rechecks(t *testing.T, dr string) int {
	n, deleted := 0, false
	for _, r := range acctest.Sandbox(t).Faults().Requests("younite") {
		switch {
		case r.Method == http.MethodDelete && r.Path == "/api/drs/"+dr:
			deleted = true
		case deleted && r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/api/drs/"+dr+"/adaptor/"):
			n++
		}
	}
	return n
}

func drExists(t *testing.T, dr string, want bool) error {
	_, err := client(t).GetDR(context.Background(), younitefake.ZoneMain, dr)
	switch {
	case want && err != nil:
		return fmt.Errorf("DR %s must still exist: %w", dr, err)
	case !want && !transport.IsNotFound(err):
		return fmt.Errorf("DR %s must be gone (err %w)", dr, err)
	}
	return nil
}

func federatedVars(scoped ...string) config.Variables {
	v := config.Variables{"domain": config.StringVariable(younitefake.DomainStudents)}
	if len(scoped) > 0 {
		list := make([]config.Variable, len(scoped))
		for i, s := range scoped {
			list[i] = config.StringVariable(s)
		}
		v["delete_adaptor_uuids"] = config.ListVariable(list...)
	}
	return v
}

// importStep adopts an existing DR into the configuration.
func importStep(dr *string, vars config.Variables) resource.TestStep {
	return resource.TestStep{
		ConfigFile: cfg, ConfigVariables: vars,
		ResourceName: drAddr, ImportState: true, ImportStatePersist: true,
		ImportStateIdFunc: func(*terraform.State) (string, error) { return younitefake.ZoneMain + "/" + *dr, nil },
	}
}

func TestAccYOUniteDataRecord_dataStoreLifecycle(t *testing.T) {
	forEachShape(t, testDataStoreLifecycle)
}

func testDataStoreLifecycle(t *testing.T, documented bool) {
	name := acctest.Unique("Oregon")
	vars := func(code string) config.Variables {
		return config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
			"record": config.StringVariable(fmt.Sprintf(`{"name": %q, "code": %q}`, name, code))}
	}
	// What YOUnite's answer reports: the domain type and version only in the inferred shape;
	// the configured domain is kept either way.
	reported := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr(drAddr, "domain_type", "MDM_DATA_STORE"),
		resource.TestCheckResourceAttr(drAddr, "domain_version", "1"),
	}
	ignore := []string{"timeouts", "json"}
	if documented {
		reported = []resource.TestCheckFunc{
			resource.TestCheckNoResourceAttr(drAddr, "domain_type"),
			resource.TestCheckNoResourceAttr(drAddr, "domain_version"),
		}
		ignore = append(ignore, "domain", "domain_type", "domain_version")
	}
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return eventually(func() error { return drExists(t, id, false) }) },
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars("OR"),
				Check: resource.ComposeAggregateTestCheckFunc(append(reported,
					resource.TestCheckResourceAttrWith(drAddr, "id", func(v string) error { id = v; return nil }),
					resource.TestCheckResourceAttr(drAddr, "domain", younitefake.DomainStates),
					resource.TestCheckResourceAttr(drAddr, "zone_uuid", younitefake.ZoneMain),
					resource.TestCheckResourceAttr(drAddr, "linked_adaptor_uuids.#", "0"),
				)...),
			},
			{
				ConfigFile: cfg, ConfigVariables: vars("OR"),
				// json compares as JSON, not as text: the import holds YOUnite's compact form.
				ResourceName: drAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: ignore,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
			},
			{ // an import block with a generated configuration plans with no changes
				ConfigFile: cfg, ConfigVariables: vars("OR"),
				ResourceName: drAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
				// The documented answer does not name the domain: the import id does.
				ImportStateIdFunc: func(*terraform.State) (string, error) { return id + "/" + younitefake.DomainStates, nil },
			},
			{ // a 5xx storm on reads is retried; the same JSON written differently plans nothing
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"younite","status":503,"count":2,"method":"GET","retry_after":"0"}`)
				},
				ConfigFile: cfg, PlanOnly: true,
				ConfigVariables: config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
					"record": config.StringVariable(fmt.Sprintf(`{"code":"OR",   "name":%q}`, name))},
			},
			{ // YOUnite documents no update: new JSON replaces the DR
				PreConfig:  func() { acctest.ClearFaults(t) },
				ConfigFile: cfg, ConfigVariables: vars("ORE"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(drAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.TestCheckResourceAttrWith(drAddr, "id", func(v string) error {
					if v == id {
						return fmt.Errorf("the DR was not replaced")
					}
					id = v
					return nil
				}),
			},
			{ // deleted outside Terraform: drift
				PreConfig: func() {
					if err := client(t).DeleteDR(context.Background(), younitefake.ZoneMain, id, nil); err != nil {
						t.Fatal(err)
					}
					if err := eventually(func() error { return drExists(t, id, false) }); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars("ORE"), PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A full delete removes the entity at every linked adaptor and the DR. With the documented
// shapes the links are found with the check at each adaptor of the zone, and the delete, which
// completes after its answer, is rechecked until the links are gone, without a warning.
func TestAccYOUniteDataRecord_fullDeleteRemovesEveryAdaptorsEntity(t *testing.T) {
	forEachShape(t, testFullDelete)
}

func testFullDelete(t *testing.T, documented bool) {
	dr := federatedDR(t, younitefake.AdaptorSIS, younitefake.AdaptorLMS)
	typed := resource.TestCheckResourceAttr(drAddr, "domain_type", "FEDERATED")
	if documented {
		typed = resource.TestCheckNoResourceAttr(drAddr, "domain_type")
	}
	// After an import the domain is recorded in place when the answer did not name it.
	action := plancheck.ResourceActionNoop
	if documented {
		action = plancheck.ResourceActionUpdate
	}
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			if err := eventually(func() error {
				return holds(t, dr, map[string]bool{younitefake.AdaptorSIS: false, younitefake.AdaptorLMS: false})
			}); err != nil {
				return err
			}
			if err := eventually(func() error { return drExists(t, dr, false) }); err != nil {
				return err
			}
			if n := rechecks(t, dr); documented && n < 2 {
				return fmt.Errorf("%d link checks after the delete; a delete that completes later needs a recheck", n)
			}
			return warnings.ExpectNone("", regexp.MustCompile(`still linked`))
		},
		Steps: []resource.TestStep{
			importStep(&dr, federatedVars()),
			{
				ConfigFile: cfg, ConfigVariables: federatedVars(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(drAddr, action), // never a replacement (a delete everywhere)
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					typed,
					resource.TestCheckResourceAttr(drAddr, "domain", younitefake.DomainStudents),
					resource.TestCheckResourceAttr(drAddr, "linked_adaptor_uuids.#", "2"),
					resource.TestCheckTypeSetElemAttr(drAddr, "linked_adaptor_uuids.*", younitefake.AdaptorLMS),
					func(*terraform.State) error {
						return holds(t, dr, map[string]bool{younitefake.AdaptorSIS: true, younitefake.AdaptorLMS: true})
					},
				),
			},
			{ // the check data source: 200 is a definitive link, 404 is not proof of absence
				ConfigFile: config.StaticFile("testdata/check.tf"),
				ConfigVariables: config.Variables{"dr_uuid": config.StringVariable(dr),
					"linked_adaptor": config.StringVariable(younitefake.AdaptorSIS), "unlinked_adaptor": config.StringVariable(younitefake.AdaptorArchive)},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.dataplatforms_younite_dr_adaptor_check.linked", "linked", "true"),
					resource.TestCheckResourceAttr("data.dataplatforms_younite_dr_adaptor_check.linked", "definitive", "true"),
					resource.TestCheckResourceAttr("data.dataplatforms_younite_dr_adaptor_check.unlinked", "linked", "false"),
					resource.TestCheckResourceAttr("data.dataplatforms_younite_dr_adaptor_check.unlinked", "definitive", "false"),
				),
			},
		},
	})
}

// With the documented shapes, a down adaptor accepts the delete and never acts: the provider
// rechecks until the delete timeout and then warns that the link survives.
func TestAccYOUniteDataRecord_linkThatSurvivesIsWarnedAfterRechecks(t *testing.T) {
	acctest.PreCheck(t)
	setShapes(t, true)
	t.Cleanup(func() { setShapes(t, false) })
	dr := federatedDR(t, younitefake.AdaptorSIS, younitefake.AdaptorDown)
	vars := federatedVars()
	vars["delete_timeout"] = config.StringVariable("4s")
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			if err := warnings.Expect("ApplyResourceChange", regexp.MustCompile(`still linked at 1 adaptors after the delete.*`+younitefake.AdaptorDown)); err != nil {
				return err
			}
			if n := rechecks(t, dr); n < 4 {
				return fmt.Errorf("%d link checks after the delete, want rechecks before the warning", n)
			}
			return holds(t, dr, map[string]bool{younitefake.AdaptorSIS: false, younitefake.AdaptorDown: true})
		},
		Steps: []resource.TestStep{
			importStep(&dr, vars),
			{ConfigFile: cfg, ConfigVariables: vars, Check: resource.TestCheckResourceAttr(drAddr, "linked_adaptor_uuids.#", "2")},
		},
	})
}

func TestAccYOUniteDataRecord_scopedDeleteLeavesTheRestAndTheDR(t *testing.T) {
	forEachShape(t, func(t *testing.T, _ bool) { testScopedDelete(t) })
}

func testScopedDelete(t *testing.T) {
	dr := federatedDR(t, younitefake.AdaptorSIS, younitefake.AdaptorLMS)
	vars := federatedVars(younitefake.AdaptorSIS)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := eventually(func() error {
				return holds(t, dr, map[string]bool{younitefake.AdaptorSIS: false, younitefake.AdaptorLMS: true})
			}); err != nil {
				return err
			}
			if linked, err := client(t).CheckLink(context.Background(), younitefake.ZoneMain, dr, younitefake.AdaptorLMS); err != nil || !linked {
				return fmt.Errorf("the LMS link must survive a delete scoped to SIS (linked %v, err %w)", linked, err)
			}
			return drExists(t, dr, true)
		},
		Steps: []resource.TestStep{
			importStep(&dr, vars),
			{ConfigFile: cfg, ConfigVariables: vars, Check: resource.TestCheckResourceAttr(drAddr, "delete_adaptor_uuids.#", "1")},
		},
	})
}

// An adaptor without a DELETE ACL entry refuses: the destroy fails with YOUnite's answer and
// changes nothing, whether it deletes everywhere or only there; scoped elsewhere it succeeds.
func TestAccYOUniteDataRecord_missingACLRefusesAndChangesNothing(t *testing.T) {
	forEachShape(t, testMissingACL)
}

func testMissingACL(t *testing.T, documented bool) {
	dr := federatedDR(t, younitefake.AdaptorSIS, younitefake.AdaptorFinance)
	intact := func() {
		if err := holds(t, dr, map[string]bool{younitefake.AdaptorSIS: true, younitefake.AdaptorFinance: true}); err != nil {
			t.Error(err)
		}
		if err := drExists(t, dr, true); err != nil {
			t.Error(err)
		}
	}
	refused := regexp.MustCompile(`(?s)403 Forbidden \(UNAUTHORIZED\).*finance-adaptor.*nothing\s+was\s+deleted.*DELETE\s+ACL`)
	if documented {
		// A 401 for a token GET /token accepts: YOUnite's ACL refusal, not bad credentials.
		refused = regexp.MustCompile(`(?s)401 Unauthorized \(UNAUTHORIZED\).*finance-adaptor.*nothing\s+was\s+deleted.*token\s+is\s+valid.*ACL\s+refusal`)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			return eventually(func() error {
				return holds(t, dr, map[string]bool{younitefake.AdaptorSIS: false, younitefake.AdaptorFinance: true})
			})
		},
		Steps: []resource.TestStep{
			importStep(&dr, federatedVars()),
			{ConfigFile: cfg, ConfigVariables: federatedVars(), Destroy: true, ExpectError: refused},
			{PreConfig: intact, ConfigFile: cfg, ConfigVariables: federatedVars(younitefake.AdaptorFinance)},
			{ConfigFile: cfg, ConfigVariables: federatedVars(younitefake.AdaptorFinance), Destroy: true, ExpectError: refused},
			{PreConfig: intact, ConfigFile: cfg, ConfigVariables: federatedVars(younitefake.AdaptorSIS)},
		},
	})
}

func TestAccYOUniteDataRecord_multiZoneTokenWithoutZoneIsAClearError(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("YOUNITE_ZONE_UUID", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile: cfg,
			ConfigVariables: config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
				"record": config.StringVariable(fmt.Sprintf(`{"name": %q}`, acctest.Unique("zoneless")))},
			ExpectError: regexp.MustCompile(`(?s)400 Bad Request \(ZONE_REQUIRED\).*belongs to 2 zones.*zoneUuid`),
		}},
	})
}

func TestAccYOUniteDataRecord_protectionAndMissingJSON(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.Unique("Ohio")
	vars := func(protected bool) config.Variables {
		return config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
			"record": config.StringVariable(fmt.Sprintf(`{"name": %q}`, name)), "deletion_protection": config.BoolVariable(protected)}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: config.Variables{"domain": config.StringVariable(younitefake.DomainStates)},
				PlanOnly: true, ExpectError: regexp.MustCompile(`json is required to create a DR`),
			},
			{ConfigFile: cfg, ConfigVariables: vars(true)},
			{ConfigFile: cfg, ConfigVariables: vars(true), Destroy: true, ExpectError: regexp.MustCompile(`is protected from deletion`)},
			{ConfigFile: cfg, ConfigVariables: vars(false)},
		},
	})
}

// A paused adaptor rejects writes: a delete that would reach it is refused and changes nothing.
func TestYOUniteFake_pausedAdaptorRefusesDeletes(t *testing.T) {
	dr := federatedDR(t, younitefake.AdaptorSIS, younitefake.AdaptorArchive)
	err := client(t).DeleteDR(context.Background(), younitefake.ZoneMain, dr, nil)
	if transport.StatusCode(err) != 409 || !strings.Contains(err.Error(), "paused") {
		t.Fatalf("want a 409 naming the paused adaptor, got %v", err)
	}
	if err := holds(t, dr, map[string]bool{younitefake.AdaptorSIS: true, younitefake.AdaptorArchive: true}); err != nil {
		t.Error(err)
	}
	if err := drExists(t, dr, true); err != nil {
		t.Error(err)
	}
}

// drsHolding counts the DRs of the states domain whose json names this state.
func drsHolding(t *testing.T, name string) int {
	t.Helper()
	drs, err := client(t).ListDRs(context.Background(), younitefake.ZoneMain, younitefake.DomainStates, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range drs {
		if strings.Contains(d.JSON, fmt.Sprintf("%q", name)) {
			n++
		}
	}
	return n
}

// A create whose answer is lost after YOUnite acted is found with GET /drs?filters= by the
// record's values and adopted: one DR, in state. One lost before YOUnite acted fails saying
// nothing was created; the next apply creates one. A 409 names the DR that holds the values.
func TestAccYOUniteDataRecord_lostCreateAnswerIsAdoptedNotDuplicated(t *testing.T) {
	forEachShape(t, func(t *testing.T, documented bool) {
		name := acctest.Unique("Lost")
		vars := config.Variables{"domain": config.StringVariable(younitefake.DomainStates),
			"record": config.StringVariable(fmt.Sprintf(`{"name": %q, "code": "LS"}`, name))}
		count := func(want int) resource.TestCheckFunc {
			return func(*terraform.State) error {
				return eventually(func() error {
					if n := drsHolding(t, name); n != want {
						return fmt.Errorf("%d DRs hold %q, want %d", n, name, want)
					}
					return nil
				})
			}
		}
		warnings, factories := acctest.RecordingFactories()
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories,
			CheckDestroy:             count(0),
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						acctest.AddFault(t, `{"platform":"younite","lose":"request","count":1,"method":"POST","path_regexp":"/drs$"}`)
					},
					ConfigFile: cfg, ConfigVariables: vars,
					ExpectError: regexp.MustCompile(`(?s)the answer was lost.*No DR of the domain holds this record's values, so nothing was\s+created`),
				},
				{
					PreConfig: func() {
						if n := drsHolding(t, name); n != 0 {
							t.Fatalf("%d DRs after a lost request", n)
						}
						acctest.AddFault(t, `{"platform":"younite","lose":"response","count":1,"method":"POST","path_regexp":"/drs$"}`)
						warnings.Reset()
					},
					ConfigFile: cfg, ConfigVariables: vars,
					Check: resource.ComposeAggregateTestCheckFunc(count(1),
						resource.TestCheckResourceAttrSet(drAddr, "id"),
						warnings.Check("ApplyResourceChange", regexp.MustCompile(`answer to creating a YOUnite DR in domain "states" was lost; the DR it created is adopted`))),
				},
				{ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true},
			},
		})
	})
}

// YOUnite's 409 for a record whose values another DR holds names that DR and its import id.
func TestAccYOUniteDataRecord_conflictNamesTheDRToImport(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.Unique("Taken")
	record := fmt.Sprintf(`{"name": %q, "code": "TK"}`, name)
	d, err := client(t).CreateDR(context.Background(), younitefake.ZoneMain, younitefake.DomainStates, 1, json.RawMessage(record))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client(t).DeleteDR(context.Background(), younitefake.ZoneMain, d.UUID, nil) })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile: cfg, ConfigVariables: config.Variables{"domain": config.StringVariable(younitefake.DomainStates), "record": config.StringVariable(record)},
			ExpectError: regexp.MustCompile(`(?s)409.*already holds this record's values.*DR ` + d.UUID + `.*import id ` + younitefake.ZoneMain + `/` + d.UUID),
		}},
	})
}

// A record that is not a JSON object is refused at terraform validate, before any request.
func TestAccYOUniteDataRecord_jsonMustBeAnObject(t *testing.T) {
	acctest.PreCheck(t)
	steps := []resource.TestStep{}
	for record, want := range map[string]string{
		`[1,2]`:    `must be a JSON object such as \{"name": "Oregon"\}, not an array`,
		`"Oregon"`: `not a string`,
		`{"name":`: `is not valid JSON`,
	} {
		steps = append(steps, resource.TestStep{
			ConfigFile: cfg, ConfigVariables: config.Variables{"domain": config.StringVariable(younitefake.DomainStates), "record": config.StringVariable(record)},
			PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)` + want),
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.Sandbox(t).Faults().ClearRequests() },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	acctest.AssertNoWrites(t, "younite")
}

// Three DRs whose answers (YOUnite's documented shapes) do not list their links: the apply that
// creates them lists the zone's adaptors once, not once per DR, and checks each link; a plan
// after it asks nothing of the links, which the state knows (it made 1 listing and 3 checks a
// DR before). Then a token that may delete DRs but not list adaptors (the listing answers 403):
// the destroy warns that the links could not be checked and deletes every DR; it is never an
// error.
func TestAccYOUniteDataRecord_adaptorListingOncePerPlanAndNeverInTheWay(t *testing.T) {
	acctest.PreCheck(t)
	setShapes(t, true)
	t.Cleanup(func() { setShapes(t, false) })
	base := acctest.Unique("Adaptor")
	tf := fmt.Sprintf(`
resource "dataplatforms_younite_data_record" "dr" {
  count  = 3
  domain = %q
  json   = jsonencode({ name = "%s-${count.index}", code = "A${count.index}" })
}
`, younitefake.DomainStates, base)
	// gets counts the GETs of the sandbox's YOUnite log whose path ends in suffix.
	gets := func(suffix string) int {
		n := 0
		for _, r := range acctest.Sandbox(t).Faults().Requests("younite") {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, suffix) {
				n++
			}
		}
		return n
	}
	listings := func() int { return gets("/adaptors") }
	checks := func() int { return gets("/check") }
	var ids []string
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			for _, id := range ids {
				if err := eventually(func() error { return drExists(t, id, false) }); err != nil {
					return err
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { acctest.Sandbox(t).Faults().ClearRequests() },
				Config:    tf,
				Check: func(s *terraform.State) error {
					for i := range 3 {
						ids = append(ids, s.RootModule().Resources[fmt.Sprintf("dataplatforms_younite_data_record.dr.%d", i)].Primary.ID)
					}
					return nil
				},
			},
			{
				PreConfig: func() {
					// The apply created the 3 DRs in one terraform command and checked their links.
					n, c := listings(), checks()
					adaptors, err := client(t).Adaptors(context.Background(), younitefake.ZoneMain)
					if err != nil {
						t.Fatal(err)
					}
					if n != 1 || c != 3*len(adaptors) {
						t.Errorf("the apply of 3 DRs listed the zone's adaptors %d times and checked %d links, want once and %d", n, c, 3*len(adaptors))
					}
					acctest.Sandbox(t).Faults().ClearRequests()
				},
				Config:   tf,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					// The plan refreshed the 3 DRs without asking what the state knows.
					if n, c := listings(), checks(); n != 0 || c != 0 {
						t.Errorf("the plan of 3 DRs listed the zone's adaptors %d times and checked %d links, want neither", n, c)
					}
					acctest.AddFault(t, `{"platform":"younite","status":403,"method":"GET","path_regexp":"/zones/[^/]+/adaptors$","message":"Forbidden"}`)
					warnings.Reset()
				},
				Config: tf, Destroy: true,
			},
		},
	})
	acctest.ClearFaults(t)
	if err := warnings.Expect("ApplyResourceChange", regexp.MustCompile(`Cannot tell which adaptors hold YOUnite DR .* before its delete: .*listing the adaptors of zone .*403`)); err != nil {
		t.Error(err)
	}
}
