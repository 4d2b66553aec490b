function Invoke-ResyncLabCommand {
    <#
    .SYNOPSIS
    Runs one 'resync-glb lab <command> --json <path>' in the engine and returns its result, or the
    error it reported as an ErrorRecord: [pscustomobject]@{ Data; Error; Details (the error's details) }.
    .DESCRIPTION
    The lab's status, start and stop are CLI commands only (the engine's 'rpc' does not serve them;
    docs/PROTOCOL.md lists what it does), so the lab cmdlets run the CLI with --json: one JSON
    document on stdout, the result or {"error":{id,category,message,details}}. The engine is the one
    Resolve-ResyncEngine picks, as for every other command.

    Arguments go to the program as arguments (ProcessStartInfo.ArgumentList; on Windows PowerShell
    5.1 quoted by ConvertTo-ResyncProcessArgument), never through a shell; the path comes after
    '--', so no folder name is read as an option. The engine bounds start and stop by --timeout;
    this waits that long plus a margin, then ends the engine and reports EngineTimeout. Short waits
    keep Ctrl+C working; a stopped pipeline ends the engine too (the lab DXA is a process of its own
    and is not affected).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [ValidateSet('status', 'start', 'stop', 'requestors')] [string] $Command,
        # The lab folder as a file-system path (Resolve-ResyncPath).
        [Parameter(Mandatory = $true)] [string] $Path,
        # For start and stop: how long the engine waits for the service. 0 or less: the engine's default (60 s).
        [int] $TimeoutSec = 0
    )

    $engine = Get-ResyncCommandEngine -Cmdlet $Cmdlet

    $arguments = [System.Collections.Generic.List[string]]::new()
    foreach ($leading in $engine.Arguments) { $arguments.Add($leading) }
    $arguments.Add('lab')
    $arguments.Add($Command)
    $arguments.Add('--json')
    $waitSec = 120
    if ($TimeoutSec -gt 0 -and ($Command -eq 'start' -or $Command -eq 'stop')) {
        $arguments.Add('--timeout')
        $arguments.Add([string]$TimeoutSec)
        $waitSec = $TimeoutSec + 60
    }
    elseif ($Command -eq 'start' -or $Command -eq 'stop') {
        $waitSec = 60 + 60
    }
    $arguments.Add('--')
    $arguments.Add($Path)
    $Cmdlet.WriteDebug("resync-glb lab $Command --json -- $Path")

    $proc = Open-ResyncEngineProcess -Cmdlet $Cmdlet -Engine $engine -ArgumentList $arguments.ToArray()
    $exited = $false
    try {
        try { $proc.StandardInput.Close() } catch { }
        $outTask = $proc.StandardOutput.ReadToEndAsync()
        $errTask = $proc.StandardError.ReadToEndAsync()
        $until = [DateTime]::UtcNow.AddSeconds($waitSec)
        while (-not ($exited = $proc.WaitForExit(100))) {
            if ([DateTime]::UtcNow -gt $until) { break }
        }
        if ($exited) {
            # WaitForExit() without a limit also waits for the redirected streams to be read to the end.
            $proc.WaitForExit()
            $null = $outTask.Wait(5000)
            $null = $errTask.Wait(5000)
        }
    }
    finally {
        if (-not $exited) {
            try { $proc.Kill() } catch { }
        }
    }
    try {
        if (-not $exited) {
            return [pscustomobject]@{ Data = $null; Details = $null; Error = (New-ResyncErrorRecord -Id 'EngineTimeout' -Category 'OperationTimeout' -Target $Path `
                        -Message "'resync-glb lab $Command' did not finish within $waitSec s; it was ended.") }
        }
        $exitCode = $proc.ExitCode
        $stdout = ''
        $stderr = ''
        if ($outTask.IsCompleted) { $stdout = $outTask.Result }
        if ($errTask.IsCompleted) { $stderr = $errTask.Result }
    }
    finally {
        $proc.Dispose()
    }

    $parsed = $null
    if ($stdout.Trim().Length -gt 0) {
        try { $parsed = ConvertFrom-Json -InputObject $stdout } catch { $parsed = $null }
    }
    if ($null -eq $parsed) {
        $said = $stderr.Trim()
        if (-not $said) { $said = 'it printed nothing' }
        return [pscustomobject]@{ Data = $null; Details = $null; Error = (New-ResyncErrorRecord -Id 'EngineFailed' -Category 'InvalidResult' -Target $Path `
                    -Message "'resync-glb lab $Command' ended with exit code $exitCode without a result: $said") }
    }
    $failure = Get-ResyncProperty $parsed 'error'
    if ($null -ne $failure -and $exitCode -ne 0) {
        $record = New-ResyncErrorRecord -Id ([string](Get-ResyncProperty $failure 'id' 'Internal')) -Category ([string](Get-ResyncProperty $failure 'category' 'NotSpecified')) `
            -Message ([string](Get-ResyncProperty $failure 'message')) -Target $Path
        return [pscustomobject]@{ Data = $null; Error = $record; Details = (Get-ResyncProperty $failure 'details') }
    }
    [pscustomobject]@{ Data = $parsed; Error = $null; Details = $null }
}
