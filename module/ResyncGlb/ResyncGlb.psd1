@{
    RootModule           = 'ResyncGlb.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1f3d0e-2b9a-4c61-9d8e-5a7e3c1b2f40'
    Author               = 'ResyncGlb developers'
    CompanyName          = 'ResyncGlb'
    Copyright            = '(c) ResyncGlb developers. MIT License.'
    Description          = 'Generates Resync.glb on an Exchange directory synchronization server (DSS) safely - preflight, backup, service restart, verified file, rollback - and delivers it to MS Mail requestors. Includes a lab DSS. Carries its engine for Windows x64; elsewhere it needs Node.js 20 or later.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('ResyncGlb.Format.ps1xml')
    # Listed one by one (no wildcards) so command discovery and autoloading work.
    FunctionsToExport    = @(
        'Copy-ResyncToRequestor'
        'Get-ResyncGlb'
        'Get-ResyncRequestor'
        'New-ResyncGlb'
        'New-ResyncLab'
        'Test-ResyncGlb'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FileList             = @(
        'ResyncGlb.psd1'
        'ResyncGlb.psm1'
        'ResyncGlb.Format.ps1xml'
        'bin/resync-glb.cjs'
        'bin/resync-glb.main.cjs'
        'bin/resync-glb.main.cjs.v8cache'
        'en-US/about_ResyncGlb.help.txt'
        'ps1/Close-DssSession.ps1'
        'ps1/Get-DssFileHash.ps1'
        'ps1/Get-DssFileInfo.ps1'
        'ps1/Get-DssSnapshot.ps1'
        'ps1/Get-DxaSequenceSettings.ps1'
        'ps1/Get-DxService.ps1'
        'ps1/Get-ResyncValue.ps1'
        'ps1/Initialize-DssSession.ps1'
        'ps1/Invoke-DssLock.ps1'
        'ps1/Read-DssFileChunk.ps1'
        'ps1/Remove-DssFile.ps1'
        'ps1/Remove-ResyncValue.ps1'
        'ps1/Resolve-Dxadata.ps1'
        'ps1/Set-GlobalMaxSeq.ps1'
        'ps1/Set-ResyncValue.ps1'
        'ps1/Start-DxService.ps1'
        'ps1/Stop-DxService.ps1'
        'ps1/Test-DssFileOpenForWrite.ps1'
        'ps1/_Common.ps1'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('Exchange', 'MSMail', 'DirSync', 'Resync', 'DSS', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release: New-ResyncGlb, Copy-ResyncToRequestor, Get-ResyncGlb, Test-ResyncGlb, New-ResyncLab.'
        }
    }
}
