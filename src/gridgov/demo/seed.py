"""What the whole demo is generated from: the district, the seed, the one password, the name pools.

The district builder (:mod:`.services`) and the case replay (:mod:`.cases`) both read these; keeping
them here lets the builder import the replay without the replay importing the builder back.
"""
DISTRICT = "510113"
PASSWORD = "gridgov-demo"
SEED = 510113

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志强德文海燕春梅晓东小红成林云飞"
