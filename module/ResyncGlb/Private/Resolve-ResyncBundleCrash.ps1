function Resolve-ResyncBundleCrash {
    <#
    .SYNOPSIS
    After an engine that ended without 'end': stops it if it is still there, says why it failed and,
    for a 'new' run, finishes its cleanup with the 'recover' command. Returns the ProtocolError record.
    .DESCRIPTION
    An engine that is still there holds the run lock: recover would leave its journal alone (and two
    engines would act on one DSS), so it is stopped first. Under -WhatIf nothing was changed and
    recover must not change anything either: ShouldProcess prints the step it would take and answers no.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Command,
        [Parameter(Mandatory = $true)] [hashtable] $Parameters,
        [System.Management.Automation.PSCredential] $Credential,
        [Parameter(Mandatory = $true)] [System.Diagnostics.Process] $Process,
        [Parameter(Mandatory = $true)] [System.Threading.Tasks.Task[string]] $StderrTask,
        [string[]] $Garbage = @(),
        [switch] $NoRecover
    )
    $null = $Process.WaitForExit(5000)
    if (-not $Process.HasExited) {
        try { $Process.Kill() } catch { }
        $null = $Process.WaitForExit(5000)
    }
    $stderr = ''
    if ($StderrTask.Wait(2000)) { $stderr = $StderrTask.Result.Trim() }
    $code = 'unknown'
    if ($Process.HasExited) { $code = $Process.ExitCode }
    $why = "The ResyncGlb engine stopped without finishing (exit code $code)."
    if ($Garbage.Count -gt 0) { $why += " It printed something that is not protocol: '$($Garbage[0])'." }
    if ($stderr) { $why += " Its error output: $stderr" }
    if (-not $NoRecover -and $Command -eq 'new') {
        $target = @{}
        foreach ($k in @('labPath', 'computerName', 'transport', 'powershell', 'logPath')) {
            if ($Parameters.ContainsKey($k)) { $target[$k] = $Parameters[$k] }
        }
        $where = [string]$target['computerName']
        if ($target.ContainsKey('labPath')) { $where = [string]$target['labPath'] }
        if ($Parameters['whatIf'] -eq $true) {
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
    New-ResyncErrorRecord -Id 'ProtocolError' -Category 'InvalidData' -Message $why -Target $Command
}
