"""Launch configurations through AutoscalingClient: create, describe, modify, delete."""

from __future__ import annotations

import base64

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from sandbox.tencentcloud import DEFAULT_SECURITY_GROUP
from tests.sandbox.tencentcloud.calls import Api, create_group, create_lc


def code_of(api: Api, action: str, **params: object) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        api(action, **params)
    return str(caught.value.code)


def test_create_then_describe_echoes_the_configuration(asapi: Api) -> None:
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    lc_id = asapi(
        "CreateLaunchConfiguration",
        LaunchConfigurationName="app-v001",
        ImageId="img-demo0001",
        InstanceType="S5.MEDIUM2",
        SecurityGroupIds=[DEFAULT_SECURITY_GROUP],
        UserData=user_data,
        SystemDisk={"DiskType": "CLOUD_SSD", "DiskSize": 60},
        LoginSettings={"Password": "s3cret!Pass"},
        InstanceTags=[{"Key": "app", "Value": "demo"}],
        Tags=[{"Key": "moniker", "Value": "demo-prod"}],
    )["LaunchConfigurationId"]
    lc = asapi("DescribeLaunchConfigurations", LaunchConfigurationIds=[lc_id])[
        "LaunchConfigurationSet"
    ][0]
    assert lc["LaunchConfigurationName"] == "app-v001"
    assert lc["ImageId"] == "img-demo0001"
    assert lc["InstanceType"] == "S5.MEDIUM2"
    assert lc["InstanceTypes"] == ["S5.MEDIUM2"]
    assert lc["SecurityGroupIds"] == [DEFAULT_SECURITY_GROUP]
    assert lc["UserData"] == user_data
    assert lc["SystemDisk"] == {
        "DiskType": "CLOUD_SSD",
        "DiskSize": 60,
        "Encrypt": None,
        "KmsKeyId": None,
    }
    assert "Password" not in str(lc["LoginSettings"]) or lc["LoginSettings"]["Password"] is None
    assert lc["VersionNumber"] == 1
    assert lc["Tags"][0]["Key"] == "moniker"


def test_describe_filters_and_paginates(asapi: Api) -> None:
    ids = [create_lc(asapi, name=f"lc-{n}") for n in range(3)]
    by_name = asapi(
        "DescribeLaunchConfigurations",
        Filters=[{"Name": "vague-launch-configuration-name", "Values": ["lc-1"]}],
    )
    assert [c["LaunchConfigurationId"] for c in by_name["LaunchConfigurationSet"]] == [ids[1]]
    page = asapi("DescribeLaunchConfigurations", Offset=1, Limit=1)
    assert page["TotalCount"] == 3
    assert [c["LaunchConfigurationId"] for c in page["LaunchConfigurationSet"]] == [ids[1]]


def test_modify_bumps_the_version_and_keeps_the_rest(asapi: Api) -> None:
    lc_id = create_lc(asapi)
    asapi(
        "ModifyLaunchConfigurationAttributes",
        LaunchConfigurationId=lc_id,
        ImageId="img-demo0002",
        InstanceTypes=["S5.LARGE8"],
    )
    lc = asapi("DescribeLaunchConfigurations", LaunchConfigurationIds=[lc_id])[
        "LaunchConfigurationSet"
    ][0]
    assert (lc["ImageId"], lc["InstanceTypes"], lc["VersionNumber"]) == (
        "img-demo0002",
        ["S5.LARGE8"],
        2,
    )
    assert lc["LaunchConfigurationName"] == "lc-app"


def test_invalid_references_use_the_api_error_codes(asapi: Api) -> None:
    assert (
        code_of(
            asapi,
            "CreateLaunchConfiguration",
            LaunchConfigurationName="x",
            ImageId="img-nothere1",
            InstanceType="S5.MEDIUM2",
        )
        == "InvalidParameterValue.ImageNotFound"
    )
    assert (
        code_of(
            asapi,
            "CreateLaunchConfiguration",
            LaunchConfigurationName="x",
            ImageId="ubuntu",
            InstanceType="S5.MEDIUM2",
        )
        == "InvalidParameterValue.InvalidImageId"
    )
    assert (
        code_of(
            asapi,
            "CreateLaunchConfiguration",
            LaunchConfigurationName="x",
            ImageId="img-demo0001",
            InstanceType="huge",
        )
        == "InvalidParameterValue.InvalidInstanceType"
    )
    assert (
        code_of(
            asapi, "CreateLaunchConfiguration", LaunchConfigurationName="x", ImageId="img-demo0001"
        )
        == "InvalidParameter.MustOneParameter"
    )
    assert (
        code_of(
            asapi,
            "CreateLaunchConfiguration",
            LaunchConfigurationName="x",
            ImageId="img-demo0001",
            InstanceType="S5.MEDIUM2",
            SecurityGroupIds=["sg-nothere1"],
        )
        == "InvalidParameterValue.InvalidSecurityGroupId"
    )
    assert (
        code_of(
            asapi,
            "CreateLaunchConfiguration",
            LaunchConfigurationName="x",
            ImageId="img-demo0001",
            InstanceType="S5.MEDIUM2",
            UserData="not base64!",
        )
        == "InvalidParameterValue.UserDataFormatError"
    )
    create_lc(asapi, name="taken")
    assert code_of(
        asapi,
        "CreateLaunchConfiguration",
        LaunchConfigurationName="taken",
        ImageId="img-demo0001",
        InstanceType="S5.MEDIUM2",
    ) == ("InvalidParameterValue.LaunchConfigurationNameDuplicated")
    assert code_of(asapi, "DeleteLaunchConfiguration", LaunchConfigurationId="asc-nothere1") == (
        "ResourceNotFound.LaunchConfigurationIdNotFound"
    )
    assert code_of(asapi, "DeleteLaunchConfiguration", LaunchConfigurationId="bogus") == (
        "InvalidParameterValue.InvalidLaunchConfigurationId"
    )


def test_a_refused_create_leaves_nothing_behind(asapi: Api) -> None:
    code_of(
        asapi,
        "CreateLaunchConfiguration",
        LaunchConfigurationName="x",
        ImageId="img-demo0001",
        InstanceType="S5.MEDIUM2",
        SystemDisk={"DiskType": "CLOUD_SSD"},
        InstanceTypes=["S5.LARGE8"],
    )
    assert asapi("DescribeLaunchConfigurations")["TotalCount"] == 0


def test_delete_refuses_while_a_group_uses_it(asapi: Api) -> None:
    lc_id = create_lc(asapi)
    group_id = create_group(asapi, lc_id, desired=0)
    assert code_of(asapi, "DeleteLaunchConfiguration", LaunchConfigurationId=lc_id) == (
        "ResourceInUse.LaunchConfigurationIdInUse"
    )
    asapi("DeleteAutoScalingGroup", AutoScalingGroupId=group_id)
    asapi("DeleteLaunchConfiguration", LaunchConfigurationId=lc_id)
    assert asapi("DescribeLaunchConfigurations")["TotalCount"] == 0
