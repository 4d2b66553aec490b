function Write-ResyncBundleEvent {
    <#
    .SYNOPSIS
    Relays one event line of the engine into the calling cmdlet's streams (docs/PROTOCOL.md, "stdout").
    .DESCRIPTION
    progress -> Write-Progress (open ids are remembered so they can be completed however the run ends),
    verbose -> Write-Verbose, warning -> Write-Warning, whatif -> ShouldProcess, result -> a typed
    output object (or collected), error -> an ErrorRecord (a terminating one is kept for the end),
    end -> the exit code. A hello of another protocol version stops the engine and throws.
    $State is the run's hashtable: Process, Collect, Collected, OpenProgress, Terminating, Ended, ExitCode.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [object] $EventObject,
        [Parameter(Mandatory = $true)] [hashtable] $State
    )
    $evt = $EventObject
    switch ([string](Get-ResyncProperty $evt 'event')) {
        'hello' {
            $speaks = Get-ResyncProperty $evt 'protocol'
            if ($speaks -ne $script:ProtocolVersion) {
                # An engine of another version has been sent nothing it could act on: stop it, do not wait for it.
                try { $State.Process.Kill() } catch { }
                $null = $State.Process.WaitForExit(5000)
                throw (New-ResyncErrorRecord -Id 'ProtocolError' -Category 'InvalidData' -Message "The engine speaks protocol $speaks; this module speaks $($script:ProtocolVersion). Reinstall the module.").Exception
            }
        }
        'progress' {
            $id = [int](Get-ResyncProperty $evt 'id' 0)
            $record = [System.Management.Automation.ProgressRecord]::new($id, [string](Get-ResyncProperty $evt 'activity' 'ResyncGlb'), [string](Get-ResyncProperty $evt 'status' ' '))
            $percent = [int](Get-ResyncProperty $evt 'percent' -1)
            if ($percent -ge 0) { $record.PercentComplete = [Math]::Min(100, $percent) }
            if (Get-ResyncProperty $evt 'completed' $false) {
                $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                $State.OpenProgress.Remove($id)
            }
            else {
                $State.OpenProgress[$id] = $record.Activity
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
            if ($State.Collect) { $State.Collected.Add($output) } else { $Cmdlet.WriteObject($output) }
            $failure = Get-ResyncProperty $data 'Error'
            if ($null -ne $failure) {
                $Cmdlet.WriteError((New-ResyncErrorRecord -Id ([string](Get-ResyncProperty $failure 'Id' 'OperationFailed')) -Category ([string](Get-ResyncProperty $failure 'Category' 'NotSpecified')) -Message ([string](Get-ResyncProperty $failure 'Message')) -Target (Get-ResyncProperty $data 'Destination')))
            }
        }
        'error' {
            $details = Get-ResyncProperty $evt 'details'
            $manual = @(Get-ResyncProperty $details 'manualSteps' @())
            $errorRecord = New-ResyncErrorRecord -Id ([string](Get-ResyncProperty $evt 'id' 'Internal')) -Category ([string](Get-ResyncProperty $evt 'category' 'NotSpecified')) -Message ([string](Get-ResyncProperty $evt 'message')) -Target (Get-ResyncProperty $evt 'target') -RecommendedAction $manual
            if (Get-ResyncProperty $evt 'terminating' $true) { $State.Terminating = $errorRecord } else { $Cmdlet.WriteError($errorRecord) }
        }
        'end' {
            $State.Ended = $true
            $State.ExitCode = [int](Get-ResyncProperty $evt 'exitCode' -1)
        }
        default { }
    }
}
