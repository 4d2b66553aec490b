function Remove-ResyncLab {
    <#
    .SYNOPSIS
    Stops a lab DSS's DXA and deletes the lab folder with everything in it.

    .DESCRIPTION
    The engine has no command that removes a lab, so this does it in three steps, in this order:
      1. The folder must be a lab: lab.json of kind ResyncGlb.Lab, registry.json, exchsrvr and
         postoffices, as New-ResyncLab makes them. Anything else is refused with
         ResyncGlb.LabNotFound and left untouched; a lab folder that is itself a symbolic link or
         junction with ResyncGlb.LabRemoveRefused (remove the lab at its target).
      2. The lab's processes are stopped: its DXA ('resync-glb lab stop', waiting until the process
         has ended) and, if it was started, the lab directory's slapd. If the DXA does not stop
         within -TimeoutSec (a hung service, KB Q176566; in the lab 'resync-glb lab fault
         --hang-on-stop'), the error is ResyncGlb.LabStillRunning and NOTHING is deleted: a folder
         deleted under a running DXA would leave the process running with its files gone. Clear the
         fault ('resync-glb lab fault <lab> --clear') or end the process the error names, then run
         this again.
      3. The folder is deleted. Links inside it are removed as links; what they point to is not
         touched. If deleting fails part way (a file held open by another program), the error is
         ResyncGlb.LabRemoveFailed and says how much is left; the folder may then no longer be
         recognisable as a lab, so delete the rest by hand once nothing holds it.

    Errors are non-terminating: the next path is removed. Asks for confirmation (ConfirmImpact
    High) unless -Confirm:$false; -WhatIf stops and deletes nothing.

    .PARAMETER Path
    The lab folders, taken literally (no wildcards). Binds by property name from New-ResyncLab and
    Get-ResyncLab output (Path), and from Get-Item / Get-ChildItem output (FullName).

    .PARAMETER TimeoutSec
    How long to wait for the lab DXA to stop before giving up (and deleting nothing). Default 60.

    .EXAMPLE
    Remove-ResyncLab -Path .\lab

    Asks for confirmation, then stops the lab's DXA and deletes .\lab.

    .EXAMPLE
    Get-ResyncLab $env:TEMP\lab1, $env:TEMP\lab2 | Remove-ResyncLab -Confirm:$false

    Removes two labs without asking, running or not.

    .EXAMPLE
    Remove-ResyncLab -Path .\lab -WhatIf

    Says what would be done; the DXA keeps running and the folder stays.

    .INPUTS
    System.String, and any object with a Path, LabPath or FullName property.

    .OUTPUTS
    None.

    .LINK
    New-ResyncLab

    .LINK
    Stop-ResyncLab

    .LINK
    Get-ResyncLab

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType([System.Void])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('LabPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path,

        [ValidateRange(1, 86400)]
        [int] $TimeoutSec = 60
    )

    process {
        foreach ($item in $Path) {
            $resolved = Resolve-ResyncLabFolder -Cmdlet $PSCmdlet -Path $item -Consequence 'Remove-ResyncLab deletes only a lab folder; nothing was deleted.'
            if (-not $resolved) { continue }
            $attributes = [System.IO.File]::GetAttributes($resolved)
            if (($attributes -band [System.IO.FileAttributes]::ReparsePoint) -ne 0) {
                $PSCmdlet.WriteError((New-ResyncErrorRecord -Id 'LabRemoveRefused' -Category 'InvalidArgument' -Target $resolved `
                            -Message "'$resolved' is a symbolic link or junction to a lab, not the lab folder itself; nothing was deleted. Remove the lab at the link's target, then the link."))
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($resolved, 'Stop the lab DXA and delete the lab folder with everything in it')) { continue }

            # 1. Stop the DXA; a lab whose DXA still runs is not deleted.
            $status = Invoke-ResyncLabCommand -Cmdlet $PSCmdlet -Command 'status' -Path $resolved
            if ($status.Error) { $PSCmdlet.WriteError($status.Error); continue }
            $serviceStatus = Get-ResyncProperty $status.Data 'Status'
            if ($null -ne $serviceStatus -and $serviceStatus -ne 'Stopped') {
                $PSCmdlet.WriteVerbose("Stopping the lab DXA in '$resolved' (it is $serviceStatus).")
                $stopped = Invoke-ResyncLabCommand -Cmdlet $PSCmdlet -Command 'stop' -Path $resolved -TimeoutSec $TimeoutSec
                $stillRunning = $null
                if ($stopped.Error) { $stillRunning = $stopped.Error.Exception.Message }
                elseif ((Get-ResyncProperty $stopped.Data 'Status') -ne 'Stopped') { $stillRunning = "The lab MSExchangeDX service is $(Get-ResyncProperty $stopped.Data 'Status')." }
                if ($stillRunning) {
                    $processId = Get-ResyncProperty $stopped.Details 'pid'
                    $action = @("Clear the lab's faults (resync-glb lab fault `"$resolved`" --clear) and run Remove-ResyncLab again.")
                    if ($processId) { $action += "Or end the DXA process (Stop-Process -Id $processId) and run Remove-ResyncLab again." }
                    $PSCmdlet.WriteError((New-ResyncErrorRecord -Id 'LabStillRunning' -Category 'OperationTimeout' -Target $resolved -RecommendedAction $action `
                                -Message "The lab DXA in '$resolved' could not be stopped, so nothing was deleted. $stillRunning"))
                    continue
                }
            }
            # The lab directory's slapd (resync-glb lab directory start) would outlive its deleted files.
            if ([System.IO.File]::Exists([System.IO.Path]::Combine($resolved, 'directory', 'slapd.pid'))) {
                $PSCmdlet.WriteVerbose("Stopping the lab directory in '$resolved'.")
                try {
                    $null = Invoke-ResyncBundle -Cmdlet $PSCmdlet -Command 'lab-directory-stop' -Parameters @{ path = $resolved } -Collect
                }
                catch {
                    $PSCmdlet.WriteError((New-ResyncErrorRecord -Id 'LabStillRunning' -Category 'InvalidOperation' -Target $resolved `
                                -Message "The lab directory in '$resolved' could not be stopped, so nothing was deleted: $($_.Exception.Message)"))
                    continue
                }
            }

            # 2. Delete. Directory.Delete removes links inside as links and does not follow them. A process
            # that has just ended can hold its files a moment longer on Windows, hence the retries.
            $PSCmdlet.WriteVerbose("Deleting the lab folder '$resolved'.")
            $failure = $null
            for ($attempt = 1; $attempt -le 10; $attempt++) {
                try {
                    [System.IO.Directory]::Delete($resolved, $true)
                    $failure = $null
                    break
                }
                catch [System.IO.DirectoryNotFoundException] {
                    $failure = $null
                    break
                }
                catch {
                    $failure = $_.Exception
                    if ($failure -is [System.Management.Automation.MethodInvocationException] -and $null -ne $failure.InnerException) { $failure = $failure.InnerException }
                    Start-Sleep -Milliseconds 300
                }
            }
            if ($null -ne $failure -or [System.IO.Directory]::Exists($resolved)) {
                $left = 0
                try { $left = @([System.IO.Directory]::GetFileSystemEntries($resolved, '*', [System.IO.SearchOption]::AllDirectories)).Count } catch { }
                $why = 'the folder is still there'
                if ($null -ne $failure) { $why = $failure.Message }
                $PSCmdlet.WriteError((New-ResyncErrorRecord -Id 'LabRemoveFailed' -Category 'WriteError' -Target $resolved `
                            -Message "The lab folder '$resolved' was only partly deleted ($left entries are left; its DXA is stopped): $why Delete the rest by hand once nothing holds it."))
            }
        }
    }
}
