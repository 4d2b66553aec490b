function Get-ResyncNodePath {
    <#
    .SYNOPSIS
    Finds Node.js (20 or later) for the bundled engine, or fails saying what to install.
    .DESCRIPTION
    Uses $env:RESYNCGLB_NODE when set, else the first 'node' application on PATH. Runs it once with
    --version and requires the major version in $script:MinimumNodeMajor.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # A wrong RESYNCGLB_NODE (a program that never exits, or waits for input) must not hang Import-Module.
        [int] $TimeoutMs = 15000
    )

    $candidate = $env:RESYNCGLB_NODE
    $source = 'RESYNCGLB_NODE'
    if (-not $candidate) {
        $source = 'PATH'
        $found = @(Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue)
        if ($found.Count -gt 0) { $candidate = $found[0].Path }
    }
    $install = "ResyncGlb needs Node.js $($script:MinimumNodeMajor) or later to run its engine. Install the LTS release (Windows: 'winget install OpenJS.NodeJS.LTS' or the installer from nodejs.org), or set RESYNCGLB_NODE to the full path of node.exe, then import the module again."
    if (-not $candidate -or -not [System.IO.File]::Exists($candidate)) {
        throw [System.IO.FileNotFoundException]::new("Node.js was not found (looked in $source). $install")
    }

    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $psi.FileName = $candidate
    $psi.Arguments = '--version'
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    $proc = [System.Diagnostics.Process]::Start($psi)
    try { $proc.StandardInput.Close() } catch { }
    # Both streams read at once (no deadlock on a full stderr pipe), with a time limit.
    $outTask = $proc.StandardOutput.ReadToEndAsync()
    $errTask = $proc.StandardError.ReadToEndAsync()
    if (-not $proc.WaitForExit($TimeoutMs)) {
        try { $proc.Kill() } catch { }
        throw [System.TimeoutException]::new("'$candidate --version' (from $source) did not finish within $([int]($TimeoutMs / 1000)) s; it does not look like Node.js. $install")
    }
    $null = $outTask.Wait(2000)
    $null = $errTask.Wait(2000)
    $text = ''
    if ($outTask.IsCompleted) { $text = $outTask.Result }
    $match = [regex]::Match($text, '^v(\d+)\.(\d+)\.(\d+)')
    if (-not $match.Success) {
        throw [System.InvalidOperationException]::new("'$candidate --version' printed '$($text.Trim())', not a Node.js version. $install")
    }
    if ([int]$match.Groups[1].Value -lt $script:MinimumNodeMajor) {
        throw [System.InvalidOperationException]::new("Node.js $($text.Trim()) at '$candidate' is too old. $install")
    }
    $candidate
}
