package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// echoFake is a minimal fake with a bearer token and its own error envelope, to test the frame.
type echoFake struct{}

func (echoFake) Platform() string { return "echo" }
func (echoFake) Start(*sandbox.Env) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer echo-token" {
			ct, body := echoFake{}.ErrorBody(401, "MissingCredentials")
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(401)
			_, _ = w.Write(body)
			return
		}
		_, _ = io.WriteString(w, "echo "+r.URL.Path)
	}), nil
}
func (echoFake) Credentials() map[string]string { return map[string]string{"ECHO_TOKEN": "echo-token"} }
func (echoFake) Fixtures() any                  { return map[string]string{"thing": "t-1"} }
func (echoFake) Env(endpoint string) map[string]string {
	return map[string]string{"ECHO_ENDPOINT": endpoint, "ECHO_TOKEN": "echo-token"}
}
func (echoFake) ErrorBody(status int, msg string) (string, []byte) {
	return "application/json", fmt.Appendf(nil, `{"errorName":%q,"status":%d}`, msg, status)
}

func start(t *testing.T, store *s3store.Server) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{echoFake{}}, S3: store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func call(t *testing.T, method, url, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer echo-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func addFault(t *testing.T, sb *sandbox.Sandbox, fault string) int {
	t.Helper()
	status, _, body := call(t, http.MethodPost, sb.Endpoints["admin"]+"/faults", fault)
	if status != http.StatusCreated && status != http.StatusBadRequest {
		t.Fatalf("adding fault: %d %s", status, body)
	}
	return status
}

func TestFakesAreMountedWithTheirCredentials(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	if sb.Credentials["ECHO_TOKEN"] != "echo-token" || sb.Fixtures["echo"] == nil {
		t.Errorf("credentials %v, fixtures %v", sb.Credentials, sb.Fixtures)
	}
	if status, _, body := call(t, http.MethodGet, sb.Endpoints["echo"]+"/x", ""); status != 200 || body != "echo /x" {
		t.Errorf("got %d %q", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, sb.Endpoints["echo"]+"/x", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("without credentials: %d, want 401", resp.StatusCode)
	}
	env := map[string]string{}
	for _, kv := range sb.Env() {
		env[kv[0]] = kv[1]
	}
	for _, k := range []string{"ECHO_ENDPOINT", "ECHO_TOKEN", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_S3_USE_PATH_STYLE", "DATAPLATFORMS_SANDBOX_ADMIN"} {
		if env[k] == "" {
			t.Errorf("env lacks %s: %v", k, env)
		}
	}
}

func TestFaultsInjectStatusCountAndRetryAfter(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	addFault(t, sb, `{"platform":"echo","status":503,"count":2,"retry_after":"1","path_contains":"/slow"}`)
	for i := range 2 {
		status, h, body := call(t, http.MethodGet, sb.Endpoints["echo"]+"/slow/1", "")
		if status != 503 || h.Get("Retry-After") != "1" || !strings.Contains(body, `"errorName"`) {
			t.Errorf("request %d: %d %v %s; want the injected 503 in the platform's envelope", i, status, h, body)
		}
	}
	if status, _, _ := call(t, http.MethodGet, sb.Endpoints["echo"]+"/fast", ""); status != 200 {
		t.Errorf("a path the fault does not match got %d", status)
	}
	if status, _, _ := call(t, http.MethodGet, sb.Endpoints["echo"]+"/slow/1", ""); status != 200 {
		t.Errorf("after count ran out got %d", status)
	}
	reqs := sb.Faults().Requests("echo")
	injected := 0
	for _, r := range reqs {
		if r.Injected {
			injected++
		}
	}
	if len(reqs) != 4 || injected != 2 {
		t.Errorf("request log %+v", reqs)
	}
}

func TestFaultProbabilityAndClear(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	addFault(t, sb, `{"platform":"echo","status":500,"probability":0.3}`)
	failures := 0
	for range 200 {
		if status, _, _ := call(t, http.MethodGet, sb.Endpoints["echo"]+"/p", ""); status == 500 {
			failures++
		}
	}
	if failures < 30 || failures > 90 {
		t.Errorf("%d of 200 failed with probability 0.3", failures)
	}
	if status, _, _ := call(t, http.MethodDelete, sb.Endpoints["admin"]+"/faults", ""); status != 204 {
		t.Fatalf("clear: %d", status)
	}
	for range 20 {
		if status, _, _ := call(t, http.MethodGet, sb.Endpoints["echo"]+"/p", ""); status != 200 {
			t.Fatalf("after clearing got %d", status)
		}
	}
}

func TestBadFaultsAreRefused(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	for _, f := range []string{
		`{"platform":"nope","status":503}`,
		`{"platform":"echo","status":200}`,
		`{"platform":"echo","status":503,"probability":2}`,
		`{"platform":"echo"}`,
		`{"platform":"echo","status":503,"colour":"red"}`,
		`{"platform":"echo","deny_delete_prefix":"x"}`,
	} {
		if status := addFault(t, sb, f); status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", f, status)
		}
	}
}

func s3Client(sb *sandbox.Sandbox, opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(sb.Endpoints["s3"]), Region: "us-east-1", UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(sb.Credentials["AWS_ACCESS_KEY_ID"], sb.Credentials["AWS_SECRET_ACCESS_KEY"], ""),
	}, opts...)
}

func TestS3ThroughTheSandbox(t *testing.T) {
	t.Parallel()
	stores := map[string]*s3store.Server{"embedded": nil}
	if bin := os.Getenv(s3store.VersityGWEnv); bin != "" {
		vgw, err := s3store.StartVersityGW(bin)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = vgw.Close() })
		stores["versitygw"] = vgw
	} else {
		t.Logf("versitygw not tested: %s is not set", s3store.VersityGWEnv)
	}
	for name, store := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sb := start(t, store)
			c := s3Client(sb)
			ctx := context.Background()
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String("a/b"), Body: strings.NewReader("hello")})
			if err != nil {
				t.Fatalf("put through the proxy (SigV4 must survive it): %v", err)
			}
			addFault(t, sb, `{"platform":"s3","status":503,"count":1,"method":"GET"}`)
			obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String("a/b")})
			if err != nil {
				t.Fatalf("get after one injected 503 (the SDK retries): %v", err)
			}
			body, _ := io.ReadAll(obj.Body)
			_ = obj.Body.Close()
			if string(body) != "hello" {
				t.Errorf("body %q", body)
			}
			if len(sb.Faults().List()) != 0 {
				t.Errorf("fault with count 1 still active: %+v", sb.Faults().List())
			}
		})
	}
}

func TestS3DenyFaultGivesPerKeyAccessDenied(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	c := s3Client(sb)
	ctx := context.Background()
	for _, k := range []string{"own/a", "own/locked", "own/b"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	addFault(t, sb, `{"platform":"s3","deny_delete_prefix":"own/locked"}`)
	scope, _ := storage.NewScope(sandbox.BucketPlain, "own")
	res, err := storage.New(c, storage.Options{}).Delete(ctx, scope)
	if err == nil || !strings.Contains(err.Error(), "own/locked") || !strings.Contains(err.Error(), "AccessDenied") || res.Objects != 2 {
		t.Errorf("result %+v, err %v; want 2 removed and AccessDenied naming own/locked", res, err)
	}
}

func TestCommandPrintsOneJSONLineAndWritesEnvFile(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "sandbox")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/sandbox").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	// A module's fixture tree and faults file, as docs/guides/module-testing.md shows them.
	fixtures := t.TempDir()
	for key, body := range map[string]string{sandbox.BucketPlain + "/module/scans/a.jpg": "jpeg", sandbox.BucketVersioned + "/b.txt": "text"} {
		p := filepath.Join(fixtures, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	faults := filepath.Join(t.TempDir(), "faults.json")
	if err := os.WriteFile(faults, []byte(`[{"platform":"s3","status":503,"count":1,"method":"DELETE"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-env-file", envFile, "-fixtures", fixtures, "-faults", faults)
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no JSON line: %v; stderr %s", err, stderr.String())
	}
	var desc struct {
		Endpoints   map[string]string `json:"endpoints"`
		Credentials map[string]string `json:"credentials"`
		Fixtures    map[string]any    `json:"fixtures"`
	}
	if err := json.Unmarshal([]byte(line), &desc); err != nil || desc.Endpoints["s3"] == "" || desc.Endpoints["admin"] == "" {
		t.Fatalf("line %q: %v", line, err)
	}
	if status, _, _ := call(t, http.MethodGet, desc.Endpoints["admin"]+"/healthz", ""); status != 200 {
		t.Errorf("healthz %d", status)
	}
	if _, _, body := call(t, http.MethodGet, desc.Endpoints["admin"]+"/objects?bucket="+sandbox.BucketPlain+"&prefix=module/", ""); body != `[{"key":"module/scans/a.jpg","size":4}]`+"\n" {
		t.Errorf("fixture objects %q", body)
	}
	if _, _, body := call(t, http.MethodGet, desc.Endpoints["admin"]+"/faults", ""); !strings.Contains(body, `"method":"DELETE"`) {
		t.Errorf("faults %q: the file's fault is missing", body)
	}
	env, err := os.ReadFile(envFile)
	if err != nil || !strings.Contains(string(env), "export AWS_ENDPOINT_URL_S3='"+desc.Endpoints["s3"]+"'") {
		t.Errorf("env file %q: %v", env, err)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Error("did not stop on SIGTERM")
	}
}

// A rate fault lets a second's worth through at once and then the rate; the excess gets the
// platform's 429 with Retry-After, or S3's 503 SlowDown without one.
func TestRateLimitFault(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	addFault(t, sb, `{"platform":"echo","rate_per_second":5,"path_contains":"/limited"}`)
	ok, limited := 0, 0
	for range 20 {
		status, h, body := call(t, http.MethodGet, sb.Endpoints["echo"]+"/limited", "")
		switch {
		case status == 200:
			ok++
		case status == 429 && h.Get("Retry-After") == "1" && strings.Contains(body, "rate limit of 5 requests per second"):
			limited++
		default:
			t.Fatalf("got %d %v %s", status, h, body)
		}
	}
	if ok < 5 || ok > 7 || limited != 20-ok {
		t.Errorf("20 requests at once against 5/s: %d passed, %d limited", ok, limited)
	}
	if status, _, _ := call(t, http.MethodGet, sb.Endpoints["echo"]+"/other", ""); status != 200 {
		t.Errorf("an unmatched path got %d", status)
	}
	// The bucket refills at the rate: a request gets through again within a few tokens' time.
	status := 0
	for deadline := time.Now().Add(5 * time.Second); status != 200 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		status, _, _ = call(t, http.MethodGet, sb.Endpoints["echo"]+"/limited", "")
	}
	if status != 200 {
		t.Errorf("the rate never let a request through again, got %d", status)
	}

	addFault(t, sb, `{"platform":"s3","rate_per_second":1,"method":"POST"}`)
	c := s3.New(s3.Options{BaseEndpoint: aws.String(sb.Endpoints["s3"]), Region: sb.Store().Region, UsePathStyle: true,
		RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider(sb.Store().AccessKey, sb.Store().SecretKey, "")})
	var slowDown int
	for range 5 {
		_, err := c.DeleteObjects(context.Background(), &s3.DeleteObjectsInput{Bucket: aws.String(sandbox.BucketPlain),
			Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("nothing-" + t.Name())}}}})
		if err != nil && strings.Contains(err.Error(), "SlowDown") {
			slowDown++
		}
	}
	if slowDown < 3 {
		t.Errorf("5 DeleteObjects at once against 1/s: %d SlowDown answers, want at least 3", slowDown)
	}
	for _, r := range sb.Faults().Requests("s3") {
		if r.Injected && r.Status != 503 {
			t.Errorf("S3's throttle answer is 503 SlowDown, got %d", r.Status)
		}
	}
}

// tallyFake counts the POSTs it has acted on; GET answers the tally.
type tallyFake struct{ echoFake }

var tally atomic.Int64

func (tallyFake) Platform() string { return "tally" }
func (tallyFake) Start(*sandbox.Env) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			tally.Add(1)
		}
		_, _ = fmt.Fprint(w, tally.Load())
	}), nil
}

// A lost answer resets the connection: after the platform acted ("response") or before
// ("request"); the client sees a reset and no status either way.
func TestLoseFaultResetsAfterOrBeforeActing(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{tallyFake{}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	post := func() error {
		resp, err := http.Post(sb.Endpoints["tally"]+"/things", "application/json", strings.NewReader("{}"))
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	before := tally.Load()
	addFault(t, sb, `{"platform":"tally","lose":"response","count":1,"method":"POST"}`)
	if err := post(); err == nil {
		t.Fatal("a lost response reached the client")
	} else if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "EOF") {
		t.Errorf("lost response: %v, want a connection reset", err)
	}
	if got := tally.Load() - before; got != 1 {
		t.Errorf("the platform acted %d times on a lost response, want 1", got)
	}
	addFault(t, sb, `{"platform":"tally","lose":"request","count":1,"method":"POST"}`)
	if err := post(); err == nil {
		t.Fatal("a lost request reached the client")
	}
	if got := tally.Load() - before; got != 1 {
		t.Errorf("the platform acted on a lost request (%d)", got)
	}
	if err := post(); err != nil || tally.Load()-before != 2 {
		t.Errorf("after the faults ran out: %v, %d", err, tally.Load()-before)
	}
	var injected int
	for _, r := range sb.Faults().Requests("tally") {
		if r.Injected {
			injected++
		}
	}
	if injected != 2 {
		t.Errorf("%d injected in the log, want 2", injected)
	}
	if status := addFault(t, sb, `{"platform":"tally","lose":"sometimes"}`); status != http.StatusBadRequest {
		t.Errorf("a bad lose got %d", status)
	}
	if status := addFault(t, sb, `{"platform":"tally","lose":"response","status":500}`); status != http.StatusBadRequest {
		t.Errorf("lose with a status got %d", status)
	}
}

// S3 through the sandbox loses a PutObject's and a DeleteObjects' answers after acting; the
// SDK's retryer repeats them, and the repeat is harmless.
func TestS3LoseFaultIsRetriedBySDK(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	c := s3Client(sb)
	ctx := context.Background()
	addFault(t, sb, `{"platform":"s3","lose":"response","count":1,"method":"PUT"}`)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String("lost/a"), Body: strings.NewReader("a")}); err != nil {
		t.Fatalf("put with its first answer lost: %v", err)
	}
	addFault(t, sb, `{"platform":"s3","lose":"response","count":1,"method":"POST"}`)
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(sandbox.BucketPlain),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("lost/a")}}}})
	if err != nil || len(out.Errors) != 0 {
		t.Fatalf("delete with its first answer lost: %v %+v", err, out)
	}
	var puts, posts int
	for _, r := range sb.Faults().Requests("s3") {
		switch r.Method {
		case http.MethodPut:
			puts++
		case http.MethodPost:
			posts++
		}
	}
	if puts < 2 || posts != 2 {
		t.Errorf("%d PUTs and %d POSTs, want the lost ones repeated", puts, posts)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String("lost/a")}); err == nil {
		t.Error("lost/a still exists")
	}
}

// The S3 model (admin PUT /s3model) adds its latency to every request, and refuses with 503
// SlowDown a DeleteObjects whose keys the prefix cannot take now, counting every key.
func TestS3ModelLatencyAndPerPrefixKeyLimit(t *testing.T) {
	t.Parallel()
	sb := start(t, nil)
	ctx := context.Background()
	admin := sb.Endpoints["admin"]
	for _, bad := range []string{`{"latency":"-1s"}`, `{"keys_per_second":-3}`, `{"latency":"soon"}`, `{"rate":1}`} {
		if status, _, body := call(t, http.MethodPut, admin+"/s3model", bad); status != http.StatusBadRequest {
			t.Errorf("model %s: %d %s, want 400", bad, status, body)
		}
	}
	// 1,000 keys a second: a second request of 1,000 keys is refused unless a whole second
	// passed between the two (a slow machine's scheduling gave a 1,500-key bucket time to refill).
	status, _, body := call(t, http.MethodPut, admin+"/s3model", `{"latency":"150ms","keys_per_second":1000}`)
	if status != http.StatusOK || !strings.Contains(body, `"latency":"150ms"`) {
		t.Fatalf("setting the model: %d %s", status, body)
	}
	c := s3Client(sb, func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	started := time.Now()
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(sandbox.BucketPlain)}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(started); took < 150*time.Millisecond {
		t.Errorf("a request took %v under a latency of 150ms", took)
	}
	del := func(prefix string, n int) error {
		ids := make([]s3types.ObjectIdentifier, n)
		for i := range ids {
			ids[i] = s3types.ObjectIdentifier{Key: aws.String(fmt.Sprintf("%s/%d", prefix, i))}
		}
		_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(sandbox.BucketPlain), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
		return err
	}
	// The partition holds one second's worth, at least a full request: 1,000 keys.
	if err := del("a", 1000); err != nil {
		t.Fatalf("the first 1,000 keys: %v", err)
	}
	if err := del("a/b", 1000); err == nil || !strings.Contains(err.Error(), "SlowDown") {
		t.Errorf("1,000 more keys of the same prefix within the second: %v, want SlowDown", err)
	}
	if err := del("other", 1000); err != nil {
		t.Errorf("another prefix has its own limit: %v", err)
	}
	if status, _, _ := call(t, http.MethodDelete, admin+"/s3model", ""); status != http.StatusNoContent {
		t.Fatalf("turning the model off: %d", status)
	}
	if err := del("a", 1000); err != nil {
		t.Errorf("without the model: %v", err)
	}
}
