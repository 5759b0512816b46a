# Runs tests/it/keyring_store.rs, keyring_get.rs and keyring_login.rs against the Windows
# Credential Manager of the user running them. The tests store, read back
# and delete entries of their own under fresh names (a long one split over
# several credentials among them) and leave none behind. Each run must
# print the tests' marker, so a test that returned early counts as a
# failure, not as a pass.
#   pwsh .ci/keyring-tests-windows.ps1
Set-Location (Join-Path $PSScriptRoot '..')

# Compile first, so the run below only runs tests.
cargo test --test it --no-run
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

Write-Output '== keyring tests against windows'
$env:REGARDS_TOKEN_TEST_WINDOWS = '1'
# Both streams, as plain lines (the markers are on stderr). The tests of
# the keyring modules of the one test program, by name.
$log = & cargo test --test it -- --include-ignored --nocapture --test-threads=1 'keyring_store::' 'keyring_get::' 'keyring_login::' 2>&1 |
    ForEach-Object { "$_" }
$status = $LASTEXITCODE
$log | ForEach-Object { Write-Output $_ }
if ($status -ne 0) {
    [Console]::Error.WriteLine("keyring-tests-windows: the windows run failed (exit $status)")
    exit 1
}
# One marker each from keyring_store.rs, keyring_get.rs and keyring_login.rs.
$ran = @($log | Select-String -Pattern 'KEYRING-TEST-RAN tier=windows$').Count
if ($ran -lt 3) {
    [Console]::Error.WriteLine("keyring-tests-windows: the windows tests did not run ($ran of 3 markers)")
    exit 1
}
