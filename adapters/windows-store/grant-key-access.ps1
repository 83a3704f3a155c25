# Grants Read on a certificate's private key file to each account, and keeps Full Control for
# Administrators and SYSTEM. Windows only: key files and their ACLs do not exist elsewhere.
#
# Request: { location, storeName, thumbprint, accounts }
# Result:  { ok, keyFile, sids }
. (Join-Path $PSScriptRoot 'store-common.ps1')
. (Join-Path $PSScriptRoot 'account-sid.ps1')

# NOTE: Windows only and not executed on this project's Linux CI; only the workflow in
# .github/workflows/windows.yml runs it, so the key directory search and icacls call are unproven here.
function Grant-KeyAccess($Request) {
    if (-not (Test-IsWindows)) {
        throw (New-StoreFailure $script:ExitCode.InvalidRequest 'private key access can only be granted on Windows')
    }
    Assert-RequestField $Request @('location', 'storeName', 'thumbprint')
    $location = Get-StoreLocation $Request.location
    $thumbprint = Assert-Thumbprint $Request.thumbprint
    # Resolve every account before changing anything, so an unknown name leaves the ACL as it was.
    $sids = @(foreach ($account in @($Request.accounts)) { if ($account) { Resolve-AccountSid $account } })

    $keyFile = Find-KeyFile (Get-StoredCertificate $Request.storeName $location $thumbprint)
    Grant-FileRead $keyFile $sids
    Assert-FileRead $keyFile $sids
    return @{ keyFile = $keyFile; sids = $sids }
}

function Get-StoredCertificate([string]$StoreName, $Location, [string]$Thumbprint) {
    $store = Open-Store $StoreName $Location 'ReadOnly'
    try {
        $certificate = Find-Certificate $store $Thumbprint
        if ($null -eq $certificate) { throw (New-StoreFailure $script:ExitCode.Acl "certificate $Thumbprint is not in store $StoreName") }
        if (-not $certificate.HasPrivateKey) { throw (New-StoreFailure $script:ExitCode.Acl "certificate $Thumbprint has no private key") }
        return $certificate
    }
    finally { $store.Close() }
}

# The key container's unique name is the file name. CNG keys report it through CngKey.UniqueName,
# CAPI keys through CspKeyContainerInfo.
function Get-KeyContainerName($Certificate) {
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    if ($rsa -is [System.Security.Cryptography.RSACng]) { return $rsa.Key.UniqueName }
    if ($rsa -is [System.Security.Cryptography.RSACryptoServiceProvider]) { return $rsa.CspKeyContainerInfo.UniqueKeyContainerName }
    $ecdsa = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
    if ($ecdsa -is [System.Security.Cryptography.ECDsaCng]) { return $ecdsa.Key.UniqueName }
    throw (New-StoreFailure $script:ExitCode.Acl 'the private key is neither a CNG nor a CAPI key, so it has no key file')
}

# Searches every key directory rather than trusting the key's .NET type, because .NET Framework
# can open a CAPI key through CNG. Keys kept in KeyGuard (VBS) have no file and end up here too.
function Find-KeyFile($Certificate) {
    $name = Get-KeyContainerName $Certificate
    foreach ($directory in (Get-KeyDirectory)) {
        $path = Join-Path $directory $name
        if (Test-Path -LiteralPath $path) { return $path }
    }
    throw (New-StoreFailure $script:ExitCode.Acl "key file '$name' was not found in the machine or user key directories")
}

function Get-KeyDirectory {
    $machine = Join-Path ([Environment]::GetFolderPath('CommonApplicationData')) 'Microsoft\Crypto'
    $user = Join-Path ([Environment]::GetFolderPath('ApplicationData')) 'Microsoft\Crypto'
    $userSid = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value
    Join-Path $machine 'Keys'
    Join-Path $machine 'RSA\MachineKeys'
    Join-Path $machine 'SystemKeys'
    Join-Path $machine 'DSS\MachineKeys'
    Join-Path $machine ('RSA\' + $userSid)
    Join-Path $user 'Keys'
    Join-Path $user ('RSA\' + $userSid)
    Join-Path $user ('DSS\' + $userSid)
}

# icacls takes SIDs with a '*' prefix and changes only the DACL; Set-Acl would also write the
# owner, which fails when the owner is an account the caller may not assign.
function Grant-FileRead([string]$Path, [string[]]$Sids) {
    $grants = New-Object System.Collections.Generic.List[string]
    $grants.Add('*S-1-5-18:(F)')
    $grants.Add('*S-1-5-32-544:(F)')
    foreach ($sid in $Sids) { $grants.Add('*' + $sid + ':(R)') }

    $output = & icacls.exe $Path /grant $grants.ToArray() 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw (New-StoreFailure $script:ExitCode.Acl "icacls failed with exit code $LASTEXITCODE on '$Path': $output")
    }
}

function Assert-FileRead([string]$Path, [string[]]$Sids) {
    $rules = (Get-Acl -LiteralPath $Path).GetAccessRules($true, $true, [System.Security.Principal.SecurityIdentifier])
    $read = [System.Security.AccessControl.FileSystemRights]::Read
    foreach ($sid in $Sids) {
        $matching = @($rules | Where-Object {
                $_.IdentityReference.Value -eq $sid -and
                $_.AccessControlType -eq 'Allow' -and
                ($_.FileSystemRights -band $read) -eq $read
            })
        if ($matching.Count -eq 0) { throw (New-StoreFailure $script:ExitCode.Acl "read access for $sid is missing on '$Path' after icacls") }
    }
}

Invoke-StoreRequest ${function:Grant-KeyAccess} $script:ExitCode.Acl
