function Invoke-ResyncBundle {
    <#
    .SYNOPSIS
    Runs one command in the bundled engine (bin/resync-glb.cjs rpc) and relays its events into the
    calling cmdlet's streams (docs/PROTOCOL.md).
    .DESCRIPTION
    The request, with any credential, goes to the engine's stdin as one JSON line; it is never put
    on the command line or in the environment. Events come back one JSON object per line:
    progress -> Write-Progress (always completed), verbose -> Write-Verbose, warning -> Write-Warning,
    whatif -> ShouldProcess (prints "What if:"), result -> typed output objects, error -> ErrorRecords
    with the id 'ResyncGlb.<Id>'. If the pipeline is stopped (Ctrl+C, a closed pipeline) the engine
    is told to cancel, and this waits while it rolls back. If the engine dies without finishing,
    its cleanup is finished by the 'recover' command and the error says so.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Command,
        [Parameter(Mandatory = $true)] [hashtable] $Parameters,
        [System.Management.Automation.PSCredential] $Credential,
        # How long to wait for a cancelled run to roll back before giving up on it.
        [int] $CancelWaitSec = 300,
        [switch] $NoRecover,
        # Return the result objects to the caller instead of writing them to the cmdlet's output.
        [switch] $Collect
    )

    $request = @{ protocol = 1; command = $Command; params = $Parameters }
    if ($null -ne $Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) {
        $request.secret = @{ userName = $Credential.UserName; password = $Credential.GetNetworkCredential().Password }
    }
    $json = ConvertTo-Json -InputObject $request -Depth 8 -Compress
    $request = $null

    if ($script:BundlePath.Contains('"')) {
        throw [System.InvalidOperationException]::new("The module path '$($script:BundlePath)' contains a double quote; move the module to a folder without one.")
    }
    if (-not [System.IO.File]::Exists($script:BundlePath)) {
        throw [System.IO.FileNotFoundException]::new("The engine '$($script:BundlePath)' is missing; reinstall the module (or run 'npm run build' in a source checkout).")
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $psi.FileName = $script:NodePath
    $psi.Arguments = '"' + $script:BundlePath + '" rpc'
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.CreateNoWindow = $true
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8

    $proc = [System.Diagnostics.Process]::Start($psi)
    $stderrTask = $proc.StandardError.ReadToEndAsync()
    $openProgress = @{}
    $terminating = $null
    $ended = $false
    $exitCode = -1
    $garbage = [System.Collections.Generic.List[string]]::new()
    $collected = [System.Collections.Generic.List[object]]::new()
    $readTask = $null
    # True once the engine's stdout has ended: it can tell us nothing more, so it is not waited for long.
    $eof = $false
    try {
        $bytes = $utf8.GetBytes($json + "`n")
        $json = $null
        $proc.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
        $proc.StandardInput.BaseStream.Flush()
        [System.Array]::Clear($bytes, 0, $bytes.Length)

        while ($true) {
            $readTask = $proc.StandardOutput.ReadLineAsync()
            # Short waits return control to the engine, so Ctrl+C can stop the pipeline at once.
            while (-not $readTask.Wait(100)) { }
            $line = $readTask.Result
            $readTask = $null
            if ($null -eq $line) { $eof = $true; break }
            if ($line.Trim().Length -eq 0) { continue }
            try {
                $evt = ConvertFrom-Json -InputObject $line
            }
            catch {
                $evt = $null
            }
            $kind = Get-ResyncProperty $evt 'event'
            if ($null -eq $kind) {
                if ($garbage.Count -lt 5) { $garbage.Add($line) }
                continue
            }
            switch ([string]$kind) {
                'hello' {
                    if ((Get-ResyncProperty $evt 'protocol') -ne 1) {
                        # An engine of another version has been sent nothing it could act on: stop it, do not wait for it.
                        try { $proc.Kill() } catch { }
                        $null = $proc.WaitForExit(5000)
                        throw (New-ResyncErrorRecord -Id 'ProtocolError' -Category 'InvalidData' -Message "The engine speaks protocol $(Get-ResyncProperty $evt 'protocol'); this module speaks 1. Reinstall the module.").Exception
                    }
                }
                'progress' {
                    $id = [int](Get-ResyncProperty $evt 'id' 0)
                    $record = [System.Management.Automation.ProgressRecord]::new($id, [string](Get-ResyncProperty $evt 'activity' 'ResyncGlb'), [string](Get-ResyncProperty $evt 'status' ' '))
                    $percent = [int](Get-ResyncProperty $evt 'percent' -1)
                    if ($percent -ge 0) { $record.PercentComplete = [Math]::Min(100, $percent) }
                    if (Get-ResyncProperty $evt 'completed' $false) {
                        $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                        $openProgress.Remove($id)
                    }
                    else {
                        $openProgress[$id] = $record.Activity
                    }
                    $Cmdlet.WriteProgress($record)
                }
                'verbose' { $Cmdlet.WriteVerbose([string](Get-ResyncProperty $evt 'message')) }
                'warning' { $Cmdlet.WriteWarning([string](Get-ResyncProperty $evt 'message')) }
                'whatif' {
                    # Under -WhatIf this prints "What if: Performing the operation ..." and returns $false.
                    $null = $Cmdlet.ShouldProcess([string](Get-ResyncProperty $evt 'target'), [string](Get-ResyncProperty $evt 'action'))
                }
                'result' {
                    $data = Get-ResyncProperty $evt 'data'
                    $output = ConvertTo-ResyncOutput -TypeName ([string](Get-ResyncProperty $evt 'type')) -Data $data
                    if ($Collect) { $collected.Add($output) } else { $Cmdlet.WriteObject($output) }
                    $failure = Get-ResyncProperty $data 'Error'
                    if ($null -ne $failure) {
                        $Cmdlet.WriteError((New-ResyncErrorRecord -Id ([string](Get-ResyncProperty $failure 'Id' 'OperationFailed')) -Category ([string](Get-ResyncProperty $failure 'Category' 'NotSpecified')) -Message ([string](Get-ResyncProperty $failure 'Message')) -Target (Get-ResyncProperty $data 'Destination')))
                    }
                }
                'error' {
                    $details = Get-ResyncProperty $evt 'details'
                    $manual = @(Get-ResyncProperty $details 'manualSteps' @())
                    $errorRecord = New-ResyncErrorRecord -Id ([string](Get-ResyncProperty $evt 'id' 'Internal')) -Category ([string](Get-ResyncProperty $evt 'category' 'NotSpecified')) -Message ([string](Get-ResyncProperty $evt 'message')) -Target (Get-ResyncProperty $evt 'target') -RecommendedAction $manual
                    if (Get-ResyncProperty $evt 'terminating' $true) { $terminating = $errorRecord } else { $Cmdlet.WriteError($errorRecord) }
                }
                'end' {
                    $ended = $true
                    $exitCode = [int](Get-ResyncProperty $evt 'exitCode' -1)
                }
                default { }
            }
            if ($ended) { break }
        }
    }
    finally {
        if (-not $ended -and -not $proc.HasExited) {
            # Stopped pipeline or an exception here: ask the engine to cancel and roll back, and wait for it.
            try {
                $cancel = $utf8.GetBytes('{"control":"cancel","reason":"the PowerShell pipeline was stopped"}' + "`n")
                $proc.StandardInput.BaseStream.Write($cancel, 0, $cancel.Length)
                $proc.StandardInput.BaseStream.Flush()
            }
            catch { }
            # Keep reading its output until 'end' (discarded: a stopped pipeline cannot take it), so
            # a long rollback never blocks on a full stdout pipe; a read already in flight is
            # finished first (a second one on the same reader would throw).
            $deadline = [DateTime]::UtcNow.AddSeconds($CancelWaitSec)
            try {
                while ([DateTime]::UtcNow -lt $deadline) {
                    if ($null -eq $readTask) { $readTask = $proc.StandardOutput.ReadLineAsync() }
                    if (-not $readTask.Wait(200)) { continue }
                    $line = $readTask.Result
                    $readTask = $null
                    if ($null -eq $line) { $eof = $true; break }
                    if ($line.Contains('"event":"end"')) { $ended = $true; break }
                }
            }
            catch { }
            $waitMs = [Math]::Max(0, [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds)
            # A closed stdout means no 'end' can come: a short grace, then the engine is stopped below
            # and recover finishes whatever it left (its journal is in the run lock).
            if ($eof -and -not $ended) { $waitMs = [Math]::Min($waitMs, 5000) }
            $null = $proc.WaitForExit($waitMs)
        }
        try { $proc.StandardInput.Close() } catch { }
        foreach ($id in @($openProgress.Keys)) {
            try {
                $done = [System.Management.Automation.ProgressRecord]::new([int]$id, [string]$openProgress[$id], 'Done')
                $done.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                $Cmdlet.WriteProgress($done)
            }
            catch { }
        }
    }

    if (-not $ended) {
        $null = $proc.WaitForExit(5000)
        if (-not $proc.HasExited) {
            # An engine that is still there holds the run lock: recover would leave its journal alone
            # (and two engines would act on one DSS). Stop it first.
            try { $proc.Kill() } catch { }
            $null = $proc.WaitForExit(5000)
        }
        $stderr = ''
        if ($stderrTask.Wait(2000)) { $stderr = $stderrTask.Result.Trim() }
        $code = 'unknown'
        if ($proc.HasExited) { $code = $proc.ExitCode }
        $why = "The ResyncGlb engine stopped without finishing (exit code $code)."
        if ($garbage.Count -gt 0) { $why += " It printed something that is not protocol: '$($garbage[0])'." }
        if ($stderr) { $why += " Its error output: $stderr" }
        if (-not $NoRecover -and $Command -eq 'new') {
            $target = @{}
            foreach ($k in @('labPath', 'computerName', 'transport', 'powershell', 'logPath')) {
                if ($Parameters.ContainsKey($k)) { $target[$k] = $Parameters[$k] }
            }
            $where = [string]$target['computerName']
            if ($target.ContainsKey('labPath')) { $where = [string]$target['labPath'] }
            if ($Parameters['whatIf'] -eq $true) {
                # Under -WhatIf the run changed nothing and recover must not change anything either:
                # ShouldProcess prints the step it would take and answers no.
                $null = $Cmdlet.ShouldProcess($where, 'Recover (undo the journal of a dead ResyncGlb run)')
                $why += ' Nothing was changed (-WhatIf); recover was not run.'
            }
            else {
                $why += ' Cleanup of what it changed was attempted with the recover command.'
                try {
                    Invoke-ResyncBundle -Cmdlet $Cmdlet -Command 'recover' -Parameters $target -Credential $Credential -NoRecover
                }
                catch {
                    $why += " Recovery failed: $($_.Exception.Message)"
                }
            }
        }
        $record = New-ResyncErrorRecord -Id 'ProtocolError' -Category 'InvalidData' -Message $why -Target $Command
        $Cmdlet.ThrowTerminatingError($record)
    }
    if ($null -ne $terminating) {
        $Cmdlet.ThrowTerminatingError($terminating)
    }
    if ($Collect) { $collected.ToArray() }
}
