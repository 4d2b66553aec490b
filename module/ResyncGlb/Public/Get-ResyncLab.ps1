function Get-ResyncLab {
    <#
    .SYNOPSIS
    Gets the state of lab DSSs: the lab MSExchangeDX service (its DXA process), its faults and its requestors.

    .DESCRIPTION
    Wraps 'resync-glb lab status' and 'resync-glb lab requestors'. The service status is derived
    from the lab DXA process, a real separate process: a dead process means Stopped. Changes nothing.

    A path that is not a lab (no lab.json of kind ResyncGlb.Lab, registry.json, exchsrvr and
    postoffices, as New-ResyncLab makes them) gives the non-terminating error ResyncGlb.LabNotFound,
    and the next path is read. Errors the engine reports keep its ids (ResyncGlb.<Id>).

    .PARAMETER Path
    The lab folders, taken literally (no wildcards). Binds by property name from New-ResyncLab and
    Get-ResyncLab output (Path), and from Get-Item / Get-ChildItem output (FullName).

    .EXAMPLE
    Get-ResyncLab -Path .\lab

    Shows the lab's computer name, its service status and the DXA's process id, its faults and its requestors.

    .EXAMPLE
    Get-ChildItem $env:TEMP -Directory -Filter 'lab*' | Get-ResyncLab -ErrorAction SilentlyContinue |
        Where-Object ServiceStatus -eq 'Running'

    Lists the labs under TEMP whose DXA is running; folders that are not labs are passed over.

    .EXAMPLE
    (Get-ResyncLab .\lab).Requestors | Format-Table DisplayName, Rdn, GlbPath, PostofficeAddresses

    The lab's requestors: their names, the GLB folder of each postoffice and what each holds.

    .INPUTS
    System.String, and any object with a Path, LabPath or FullName property.

    .OUTPUTS
    ResyncGlb.LabStatus. Path, ComputerName, ServiceName, ServiceStatus (Stopped, StartPending,
    Running, StopPending; $null for a lab without a service), Pid, Since (UTC), LastError,
    RestartOwed (the DXA that wrote Resync.glb still runs: KB Q156063's restart is owed), Faults
    (those set with 'resync-glb lab fault'), Requestors (ResyncGlb.LabRequestor).

    .LINK
    New-ResyncLab

    .LINK
    Start-ResyncLab

    .LINK
    Stop-ResyncLab

    .LINK
    Remove-ResyncLab

    .LINK
    about_ResyncGlb
    #>
    [CmdletBinding()]
    [OutputType('ResyncGlb.LabStatus')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('LabPath', 'FullName')]
        [ValidateNotNullOrEmpty()]
        [string[]] $Path
    )

    process {
        foreach ($item in $Path) {
            $resolved = Resolve-ResyncLabFolder -Cmdlet $PSCmdlet -Path $item
            if (-not $resolved) { continue }
            $state = Get-ResyncLabStatus -Cmdlet $PSCmdlet -Path $resolved
            if ($state.Error) { $PSCmdlet.WriteError($state.Error); continue }
            $state.Output
        }
    }
}
