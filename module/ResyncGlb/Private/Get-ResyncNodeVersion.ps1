function Get-ResyncNodeVersion {
    <#
    .SYNOPSIS
    Runs a node once with --version and returns its version ('20.20.2'), or fails saying why it cannot
    run the engine.
    .DESCRIPTION
    Requires the major version in $script:MinimumNodeMajor. The error names where the node came from
    (RESYNCGLB_NODE or PATH) and what to do instead ($Remedy). Resolve-ResyncEngine decides which node
    to ask; this only asks it.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [string] $Path,
        # Where the path came from, for the error: RESYNCGLB_NODE or PATH.
        [Parameter(Mandatory = $true)] [string] $Source,
        [Parameter(Mandatory = $true)] [string] $Remedy,
        # A wrong RESYNCGLB_NODE (a program that never exits, or waits for input) must not hang the command.
        [int] $TimeoutMs = 15000
    )

    $action = @($Remedy)
    if (-not [System.IO.File]::Exists($Path)) {
        throw (New-ResyncErrorRecord -Id 'EngineNotFound' -Category 'ObjectNotFound' -Target $Path -RecommendedAction $action `
                -Message "Node.js was not found at '$Path' (from $Source). $Remedy")
    }

    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $psi.FileName = $Path
    $psi.Arguments = '--version'
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    try {
        $proc = [System.Diagnostics.Process]::Start($psi)
    }
    catch {
        throw (New-ResyncErrorRecord -Id 'EngineUnusable' -Category 'InvalidResult' -Target $Path -RecommendedAction $action `
                -Message "'$Path' (from $Source) could not be started: $($_.Exception.Message) $Remedy")
    }
    try {
        try { $proc.StandardInput.Close() } catch { }
        # Both streams read at once (no deadlock on a full stderr pipe), with a time limit.
        $outTask = $proc.StandardOutput.ReadToEndAsync()
        $errTask = $proc.StandardError.ReadToEndAsync()
        if (-not $proc.WaitForExit($TimeoutMs)) {
            try { $proc.Kill() } catch { }
            throw (New-ResyncErrorRecord -Id 'EngineUnusable' -Category 'OperationTimeout' -Target $Path -RecommendedAction $action `
                    -Message "'$Path --version' (from $Source) did not finish within $([int]($TimeoutMs / 1000)) s; it does not look like Node.js. $Remedy")
        }
        $null = $outTask.Wait(2000)
        $null = $errTask.Wait(2000)
        $text = ''
        if ($outTask.IsCompleted) { $text = $outTask.Result }
    }
    finally {
        $proc.Dispose()
    }
    $match = [regex]::Match($text, '^v(\d+)\.(\d+)\.(\d+)')
    if (-not $match.Success) {
        throw (New-ResyncErrorRecord -Id 'EngineUnusable' -Category 'InvalidResult' -Target $Path -RecommendedAction $action `
                -Message "'$Path --version' (from $Source) printed '$($text.Trim())', not a Node.js version. $Remedy")
    }
    if ([int]$match.Groups[1].Value -lt $script:MinimumNodeMajor) {
        throw (New-ResyncErrorRecord -Id 'EngineUnusable' -Category 'InvalidResult' -Target $Path -RecommendedAction $action `
                -Message "Node.js $($text.Trim()) at '$Path' (from $Source) is too old: the engine needs $($script:MinimumNodeMajor) or later. $Remedy")
    }
    $match.Value.Substring(1)
}
