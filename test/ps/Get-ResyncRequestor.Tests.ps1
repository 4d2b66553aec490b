#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Get-ResyncRequestor: its parameter surface, then against the lab's real slapd directory:
# listing, name filters with hostile names, groups feeding New-ResyncGlb, every directory error,
# and New-ResyncGlb's directory preflight (RequestorNotFound with the near match, nothing changed).

BeforeDiscovery {
    $script:HasSlapd = [bool](@('/usr/sbin/slapd', '/usr/local/sbin/slapd', '/usr/libexec/slapd') | Where-Object { Test-Path $_ })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestManifestPath) -Force
    $script:Password = 'lab directory pw'
    function New-LabCredential([string] $User, [string] $Pw = $script:Password) {
        [System.Management.Automation.PSCredential]::new($User, (ConvertTo-SecureString -String $Pw -AsPlainText -Force))
    }
    function Start-LabDirectory([string] $Lab, [string[]] $Extra = @()) {
        # The password goes to the bundle on stdin, as the CLI requires.
        $out = $script:Password | & node (Get-TestBundlePath) lab directory start $Lab --password-stdin --json @Extra 2>&1
        if ($LASTEXITCODE -ne 0) { throw "lab directory start failed: $out" }
    }
}

Describe 'Get-ResyncRequestor parameter surface' {
    BeforeAll {
        $cmd = Get-Command Get-ResyncRequestor
    }
    It 'has exactly the documented parameters' {
        Get-TestOwnParameter -Command $cmd | Should -Be (@('AttributeMap', 'ComputerName', 'Credential', 'DirectoryServer', 'ExportFile', 'GroupByConfiguration', 'LabPath', 'Ldaps', 'Name', 'SearchBase', 'TimeoutSec') | Sort-Object)
    }
    It 'has the parameter sets Computer (default), Lab and ExportFile' {
        $cmd.DefaultParameterSet | Should -Be 'Computer'
        ($cmd.ParameterSets.Name | Sort-Object) | Should -Be @('Computer', 'ExportFile', 'Lab')
        ($cmd.ParameterSets | Where-Object Name -EQ 'ExportFile').Parameters.Name | Should -Not -Contain 'Credential'
    }
    It 'types and validates its parameters' {
        $cmd.Parameters.Name.ParameterType | Should -Be ([string[]])
        $cmd.Parameters.Credential.ParameterType | Should -Be ([System.Management.Automation.PSCredential])
        $cmd.Parameters.AttributeMap.ParameterType | Should -Be ([hashtable])
        $cmd.Parameters.GroupByConfiguration.SwitchParameter | Should -BeTrue
        ($cmd.Parameters.Ldaps.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues | Should -Be @('Auto', 'Always', 'Never')
        ($cmd.Parameters.LabPath.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -BeTrue
        ($cmd.Parameters.ExportFile.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -BeTrue
        $cmd.Parameters.ComputerName.Aliases | Should -Contain 'CN'
    }
    It 'declares both output types' {
        $cmd.OutputType.Name | Should -Be @('ResyncGlb.Requestor', 'ResyncGlb.RequestorGroup')
    }
    It 'has format views for both output types' {
        $views = Get-FormatData -TypeName ResyncGlb.Requestor, ResyncGlb.RequestorGroup
        @($views).Count | Should -Be 2
    }
    It 'refuses -LabPath with -ExportFile (no parameter set has both)' {
        { Get-ResyncRequestor -LabPath x -ExportFile y } | Should -Throw -ErrorId 'AmbiguousParameterSet,Get-ResyncRequestor'
    }
}

Describe "Get-ResyncRequestor on the lab directory$(if (-not $script:HasSlapd) { ' (skipped: slapd is not installed; apt-get install slapd)' })" -Skip:(-not $script:HasSlapd) {
    BeforeAll {
        $hostile = 'Odd (x) *\'
        $lab = New-TestLab -Requestor 'Sales PO|SALESPO|SALES', 'Engineering PO|ENGPO|ENG', "$hostile|ODD*|ODD)(", 'Legal PO|LEGALPO|LEGAL'
        Start-LabDirectory -Lab $lab -Extra @('--trust-level', 'Engineering PO=2')
        $admin = New-LabCredential 'LABDOM\admin'
    }
    AfterAll {
        $null = Invoke-TestCli -Arguments @('lab', 'directory', 'stop', $lab)
        Remove-TestLab -Path $lab
    }

    It 'lists each requestor as a ResyncGlb.Requestor with its three names and sequence numbers' {
        $r = Get-ResyncRequestor -LabPath $lab -Credential $admin
        @($r).Count | Should -Be 4
        $r[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.Requestor'
        $r.DisplayName | Should -Be @('Sales PO', 'Engineering PO', $hostile, 'Legal PO')
        $r[0].CommonName | Should -Be 'SALESPO'
        $r[0].Rdn | Should -Be 'SALES'
        $r[0].LabPath | Should -Be $lab
        $r[0].ReqSeq | Should -BeGreaterThan 0
        ($r | Format-Table | Out-String) | Should -Match 'DisplayName\s+CommonName\s+Rdn'
    }

    It 'matches a hostile name only as itself (escaped in the LDAP filter)' {
        @(Get-ResyncRequestor -LabPath $lab -Credential $admin -Name '*').Count | Should -Be 0
        (Get-ResyncRequestor -LabPath $lab -Credential $admin -Name $hostile).Rdn | Should -Be 'ODD)('
        (Get-ResyncRequestor -LabPath $lab -Credential $admin -Name 'odd)(').DisplayName | Should -Be $hostile
    }

    It '-GroupByConfiguration gives one ResyncGlb.RequestorGroup per export configuration' {
        $g = Get-ResyncRequestor -LabPath $lab -Credential $admin -GroupByConfiguration
        @($g).Count | Should -Be 2
        $g[0].PSObject.TypeNames[0] | Should -Be 'ResyncGlb.RequestorGroup'
        $g[0].Requestor | Should -Be @('SALES', 'ODD)(', 'LEGAL')
        $g[1].Requestor | Should -Be @('ENG')
    }

    It 'each group object feeds New-ResyncGlb by property name: one run per configuration' {
        $runs = Get-ResyncRequestor -LabPath $lab -Credential $admin -GroupByConfiguration |
            New-ResyncGlb -Credential $admin -ValidateWithDirectory -Force
        @($runs).Count | Should -Be 2
        $runs[0].Requestor | Should -Be @('SALES', 'ODD)(', 'LEGAL')
        $runs[1].Requestor | Should -Be @('ENG')
        $runs | ForEach-Object { $_.ValueRemoved | Should -BeTrue }
    }

    It 'Get-ResyncRequestor | Group-Object Configuration feeds New-ResyncGlb as well' {
        $runs = Get-ResyncRequestor -LabPath $lab -Credential $admin | Group-Object Configuration |
            ForEach-Object { [pscustomobject]@{ Requestor = [string[]]$_.Group.Requestor; LabPath = $lab } | New-ResyncGlb -Force }
        @($runs).Count | Should -Be 2
        ($runs | ForEach-Object { @($_.Requestor).Count } | Sort-Object) | Should -Be @(1, 3)
    }

    It "New-ResyncGlb -ValidateWithDirectory refuses 'Slaes PO' with RequestorNotFound suggesting 'Sales PO', in preflight, changing nothing" {
        $before = Get-TestLabSnapshot -Path $lab
        $err = $null
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        try { New-ResyncGlb -LabPath $lab -Requestor 'Slaes PO' -Credential $admin -ValidateWithDirectory -Force } catch { $err = $_ }
        $sw.Stop()
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ResyncGlb.RequestorNotFound,New-ResyncGlb'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -Match 'did you mean "Sales PO"\?'
        Get-TestLabSnapshot -Path $lab | Should -BeExactly $before
        Write-Host "New-ResyncGlb directory refusal took $($sw.ElapsedMilliseconds) ms"
    }

    It 'a wrong password is ResyncGlb.DirectoryBindRefused' {
        { Get-ResyncRequestor -LabPath $lab -Credential (New-LabCredential 'LABDOM\admin' 'wrong') } | Should -Throw -ErrorId 'ResyncGlb.DirectoryBindRefused,Get-ResyncRequestor'
    }

    It 'an account without rights on Configuration is ResyncGlb.DirectoryAccessDenied' {
        { Get-ResyncRequestor -LabPath $lab -Credential (New-LabCredential 'LABDOM\reader') } | Should -Throw -ErrorId 'ResyncGlb.DirectoryAccessDenied,Get-ResyncRequestor'
    }

    It 'an assumed name the schema lacks is ResyncGlb.DirectorySchemaMismatch; a map fixes reading' {
        { Get-ResyncRequestor -LabPath $lab -Credential $admin -AttributeMap @{ objectClass = 'remoteDXA' } } | Should -Throw -ErrorId 'ResyncGlb.DirectorySchemaMismatch,Get-ResyncRequestor'
        (Get-ResyncRequestor -LabPath $lab -Credential $admin -AttributeMap @{ displayName = 'cn' }).DisplayName | Should -Be @('SALESPO', 'ENGPO', 'ODD*', 'LEGALPO')
    }

    It 'reads an admin /e export file offline' {
        $file = Join-Path $lab 'connections.csv'
        Set-Content -LiteralPath $file -Encoding unicode -Value @(
            'Obj-Class,Obj-Dist-Name,Common-Name,Admin-Display-Name,Trust-Level'
            'Remote-DXA,/o=ResyncLab/ou=LabSite/cn=Configuration/cn=Connections/cn=LABDSS/cn=SALES,SALESPO,Sales PO,0'
            'Remote-DXA,/o=ResyncLab/ou=LabSite/cn=Configuration/cn=Connections/cn=LABDSS/cn=ENG,ENGPO,"Engineering, PO",2'
        )
        $r = Get-ResyncRequestor -ExportFile $file
        $r.Rdn | Should -Be @('SALES', 'ENG')
        $r[1].DisplayName | Should -Be 'Engineering, PO'
        @(Get-ResyncRequestor -ExportFile $file -GroupByConfiguration).Count | Should -Be 2
    }
}

Describe "Get-ResyncRequestor errors from other directories$(if (-not $script:HasSlapd) { ' (skipped: slapd is not installed; apt-get install slapd)' })" -Skip:(-not $script:HasSlapd) {
    BeforeAll {
        $admin = New-LabCredential 'LABDOM\admin'
    }
    It 'a stopped slapd is ResyncGlb.DirectoryUnreachable' {
        $lab = New-TestLab -Requestor 'PO1'
        try {
            Start-LabDirectory -Lab $lab
            $null = Invoke-TestCli -Arguments @('lab', 'directory', 'stop', $lab)
            { Get-ResyncRequestor -LabPath $lab -Credential $admin } | Should -Throw -ErrorId 'ResyncGlb.DirectoryUnreachable,Get-ResyncRequestor'
        } finally {
            Remove-TestLab -Path $lab
        }
    }
    It 'a schema without the Remote-DXA class is ResyncGlb.DirectorySchemaMismatch' {
        $lab = New-TestLab -Requestor 'PO1'
        try {
            Start-LabDirectory -Lab $lab -Extra @('--without-requestor-class')
            { Get-ResyncRequestor -LabPath $lab -Credential $admin } | Should -Throw -ErrorId 'ResyncGlb.DirectorySchemaMismatch,Get-ResyncRequestor'
        } finally {
            $null = Invoke-TestCli -Arguments @('lab', 'directory', 'stop', $lab)
            Remove-TestLab -Path $lab
        }
    }
}
